/*
 * Lookout starter rules: the EICAR anti-virus test file.
 * https://www.eicar.org/download-anti-malware-testfile/
 */
rule EICAR_test_file
{
    meta:
        description = "The EICAR anti-virus test file: harmless by design, detected by every anti-virus product"
        severity = "test"
        author = "Lookout"
    strings:
        $eicar = "X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
    condition:
        $eicar at 0 and filesize < 129
}
