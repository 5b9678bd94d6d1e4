rule broken {
  strings: $a = { 4D 5A [2-