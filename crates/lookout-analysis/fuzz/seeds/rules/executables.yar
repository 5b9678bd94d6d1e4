/*
 * Lookout starter rules: traits of malicious programs seen in incidents
 * reported by shipping companies (ransomware on shore IT, stealers on
 * crew and bridge PCs, miners on unattended systems).
 */
rule PE_packed_with_UPX
{
    meta:
        description = "Windows program compressed with the UPX packer, which hides its code from inspection"
        severity = "suspicious"
    strings:
        $s0 = "UPX0"
        $s1 = "UPX1"
    condition:
        uint16(0) == 0x5A4D and all of them
}

rule Ransomware_recovery_sabotage
{
    meta:
        description = "Deletes shadow copies or backups, or disables Windows recovery, as ransomware does before encrypting"
        severity = "malicious"
    strings:
        $a = "vssadmin delete shadows" nocase ascii wide
        $b = "vssadmin.exe delete shadows" nocase ascii wide
        $c = "shadowcopy delete" nocase ascii wide
        $d = "recoveryenabled no" nocase ascii wide
        $e = "wbadmin delete catalog" nocase ascii wide
        $f = "delete systemstatebackup" nocase ascii wide
    condition:
        any of them
}

rule Downloader_APIs_and_execution
{
    meta:
        description = "Program that downloads a file and runs it"
        severity = "suspicious"
    strings:
        $dl1 = "URLDownloadToFile" ascii wide
        $dl2 = "InternetOpenUrl" ascii wide
        $dl3 = "WinHttpOpenRequest" ascii wide
        $run1 = "ShellExecute" ascii wide
        $run2 = "WinExec" ascii wide
        $run3 = "CreateProcess" ascii wide
    condition:
        uint16(0) == 0x5A4D and any of ($dl*) and any of ($run*)
}

rule Credential_dumping_tool
{
    meta:
        description = "Strings of Mimikatz-style credential theft"
        severity = "malicious"
    strings:
        $a = "sekurlsa::logonpasswords" nocase ascii wide
        $b = "lsadump::sam" nocase ascii wide
        $c = "privilege::debug" nocase ascii wide
    condition:
        any of them
}

rule Cryptocurrency_miner
{
    meta:
        description = "Cryptocurrency miner: connects to a mining pool"
        severity = "malicious"
    strings:
        $pool = "stratum+tcp://" ascii wide
        $xmrig = "xmrig" nocase ascii wide
    condition:
        $pool or ($xmrig and (uint32be(0) == 0x7F454C46 or uint16(0) == 0x5A4D))
}

rule ELF_reverse_shell
{
    meta:
        description = "Linux program with a reverse shell (connects out and hands a shell to the other end)"
        severity = "malicious"
    strings:
        $sh = "/bin/sh"
        $dev = "/dev/tcp/"
        $nc = "nc -e" 
    condition:
        uint32be(0) == 0x7F454C46 and $sh and ($dev or $nc)
}
