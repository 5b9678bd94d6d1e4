/*
 * Rules for .ci/yara_crosscheck.py, which has boreal and the C engine
 * (yara-python) scan the sample corpus (`lookout-bench write-samples`) with
 * these and the starter rules and fails on any difference. They use what
 * the starter rules do not: hex jumps, alternatives and nibble wildcards,
 * regexes, fullword, wide-only, xor, base64 (of ASCII and of UTF-16 text,
 * and stored as UTF-16), counts and offsets, integer reads, loops, and the
 * pe, elf, hash and math modules. Each is written so that some samples
 * match it and others do not.
 */
import "pe"
import "elf"
import "hash"
import "math"

rule Hex_PE_header_with_jump
{
    strings:
        // MZ, e_lfanew = 0x40, "PE\0\0", i386
        $mz = { 4D 5A ?? ?? [56-60] 40 00 00 00 50 45 00 00 4C 01 }
    condition:
        $mz at 0
}

rule Hex_x64_exit_with_alternatives
{
    strings:
        // mov eax, 60 (exit) or 231 (exit_group); xor edi, edi; syscall
        $exit = { B8 ( 3C | E7 ) 00 00 00 ( 31 FF | 48 31 FF ) 0F 05 }
    condition:
        $exit
}

rule Hex_nibble_wildcard_at_entry_point
{
    strings:
        // xor eax, eax (31 C0 or 33 C0); ret
        $zero_ret = { 3? C0 C3 }
    condition:
        uint16(0) == 0x5A4D and uint32(uint32(0x3C)) == 0x00004550 and $zero_ret at pe.entry_point
}

rule Regex_executable_download_URL
{
    strings:
        $url = /https?:\/\/[a-z0-9.\-]{3,64}(:[0-9]{1,5})?\/[a-z0-9_\-]+\.(exe|dll|scr|ps1)/ nocase ascii wide
    condition:
        $url
}

rule Regex_PDF_launch_of_a_program
{
    strings:
        $launch = /\/S\s*\/Launch\s*\/Win\s*<<\s*\/F\s*\([^)]{1,64}\.exe\)/
    condition:
        uint32be(0) == 0x25504446 and $launch
}

rule Nocase_mutex_name
{
    strings:
        $mutex = "global\\lookoutsamplemutex" nocase
        $other = "GLOBAL\\SOMEOTHERMUTEX" nocase
    condition:
        $mutex and not $other
}

rule Wide_only_shadow_copy_deletion
{
    strings:
        $wide = "vssadmin delete shadows" wide
        $ascii = "vssadmin delete shadows" ascii
    condition:
        $wide and not $ascii
}

rule Fullword_miner_name
{
    strings:
        $name = "xmrig" fullword
        // Inside "xmrig", so never a whole word there.
        $part = "mrig" fullword
    condition:
        $name and not $part
}

rule Xor_hidden_C2_address
{
    strings:
        $c2 = "http://c2.example.org/gate.php" xor(0x01-0xff)
    condition:
        $c2 in (900..1100)
}

rule Base64_of_UTF16_PowerShell_download_cradle
{
    strings:
        // -EncodedCommand is base64 of UTF-16LE text: `wide base64`.
        $cradle = "DownloadString" wide base64
        $iex = "IEX" wide base64
    condition:
        all of them
}

rule Base64_command_line
{
    strings:
        $whoami = "whoami" base64
    condition:
        $whoami
}

rule Base64wide_command_line_in_a_program
{
    strings:
        // Base64 text stored as UTF-16, as .NET and PowerShell droppers do.
        $whoami = "whoami" base64wide
    condition:
        uint16(0) == 0x5A4D and $whoami
}

rule Count_repeated_reverse_shell_targets
{
    strings:
        $tcp = "/dev/tcp/"
    condition:
        #tcp > 2 and @tcp[1] < @tcp[3] and !tcp[2] == 9 and for all i in (1..#tcp) : ( @tcp[i] > 64 )
}

rule Count_one_plain_http_URL_in_a_small_file
{
    strings:
        $http = "http://"
    condition:
        #http == 1 and filesize < 1KB
}

rule Offsets_PDF_header_trailer_and_early_script
{
    strings:
        $header = "%PDF-1."
        $eof = "%%EOF"
        $js = "/JavaScript"
    condition:
        $header at 0 and $eof in (filesize - 16..filesize) and $js in (0..512)
}

rule Ints_ELF_x86_64_executable_header
{
    condition:
        uint32be(0) == 0x7F454C46 and uint8(4) == 2 and uint16(16) == 2 and uint16be(18) == 0x3E00
}

rule For_any_of_miner_strings_near_the_start
{
    strings:
        $m1 = "stratum+tcp://"
        $m2 = "--donate-level"
        $m3 = "xmrig"
        $m4 = "nicehash" nocase
    condition:
        for any of ($m*) : ( $ in (0..512) ) and for all of ($m1, $m2, $m3) : ( # == 1 ) and 3 of ($m*)
}

rule Hash_EICAR
{
    condition:
        filesize == 68
        and hash.sha256(0, filesize) == "275a021bbfb6489e54d471899f7db9d1663fc695ec2fe2a2c4538aabf651fd0f"
        and hash.md5(0, filesize) == "44d88612fea8a8f36de82e1278abb02f"
}

rule Math_high_entropy_blob
{
    condition:
        filesize > 1KB and uint16(0) != 0x5A4D and uint32be(0) != 0x504B0304
        and math.entropy(0, filesize) > 7.7
}

rule PE_downloader_imports
{
    condition:
        pe.is_pe and pe.number_of_sections == 2 and pe.machine == pe.MACHINE_I386
        and pe.timestamp == 1767225600
        and pe.imports("kernel32.dll", "ExitProcess")
        and pe.imports("urlmon.dll", "URLDownloadToFileA")
        and pe.imports(/^shell32\.dll$/i, /^ShellExecute/) == 1
        and pe.imports("kernel32.dll") == 3
}

rule PE_imphash_of_the_downloader
{
    condition:
        // lookout-analysis's imphash of pe_downloader.exe (write-samples prints it)
        pe.imphash() == "30f0aaabfec01f1d3ada88bca4783924"
}

rule PE_UPX_sections_and_overlay
{
    condition:
        pe.is_pe and pe.number_of_sections == 3 and pe.sections[0].name == "UPX1"
        and for any section in pe.sections : ( section.name == "UPX0" and section.raw_data_size == 0 )
        and pe.overlay.size > 0
        and pe.imports("kernel32.dll", "LoadLibraryA")
}

rule PE_is_a_DLL
{
    condition:
        pe.is_pe and pe.is_dll()
}

rule ELF_x86_64_executable
{
    strings:
        $exit = { B8 3C 00 00 00 }
    condition:
        elf.type == elf.ET_EXEC and elf.machine == elf.EM_X86_64 and elf.number_of_sections == 4
        and for any s in elf.sections : ( s.name == ".rodata" and s.size > 40 )
        and $exit at elf.entry_point
}

rule ELF_shared_object
{
    condition:
        elf.type == elf.ET_DYN
}
