/*
 * Lookout starter rules: scripts and script droppers (PowerShell, VBScript,
 * batch, HTA) as attached to phishing mail sent to shipping companies.
 */
rule PowerShell_encoded_or_download_cradle
{
    meta:
        description = "PowerShell that runs encoded commands or downloads and runs code"
        severity = "malicious"
    strings:
        $enc1 = /powershell(\.exe)?[^\r\n]{0,64}\s-(e|ec|enc|encodedcommand)\s+[A-Za-z0-9+\/=]{20}/ nocase ascii wide
        $cradle1 = "DownloadString(" nocase ascii wide
        $cradle2 = "DownloadFile(" nocase ascii wide
        $iex1 = "IEX" ascii wide
        $iex2 = "Invoke-Expression" nocase ascii wide
        $b64 = "FromBase64String" nocase ascii wide
    condition:
        $enc1 or (any of ($cradle*) and any of ($iex*)) or ($b64 and any of ($iex*))
}

rule Certutil_download
{
    meta:
        description = "Abuses certutil to download a file (a common living-off-the-land technique)"
        severity = "malicious"
    strings:
        $a = /certutil(\.exe)?\s+[^\r\n]{0,40}-urlcache[^\r\n]{0,40}https?:\/\// nocase ascii wide
    condition:
        $a
}

rule Cryptocurrency_ransom_note
{
    meta:
        description = "Text that demands payment in cryptocurrency for decryption, as a ransom note does"
        severity = "suspicious"
    strings:
        $pay1 = "bitcoin" nocase ascii wide
        $pay2 = "BTC" ascii wide
        $pay3 = "monero" nocase ascii wide
        $enc1 = "encrypted" nocase ascii wide
        $enc2 = "decrypt" nocase ascii wide
        $tor = ".onion" nocase ascii wide
    condition:
        filesize < 200KB and any of ($pay*) and any of ($enc*) and ($tor or #enc2 > 1)
}

rule VBA_autoexec_runs_commands
{
    meta:
        description = "VBA macro that runs by itself when the document opens and starts programs or downloads"
        severity = "malicious"
    strings:
        $auto1 = /\bSub\s+(AutoOpen|Auto_Open|AutoExec|Document_Open|DocumentOpen|Workbook_Open)\b/ nocase
        $run1 = /\bShell\s*[\(\"]/ nocase
        $run2 = "WScript.Shell" nocase
        $run3 = "URLDownloadToFile" nocase
        $run4 = "powershell" nocase
        $run5 = "MSXML2.XMLHTTP" nocase
    condition:
        any of ($auto*) and any of ($run*)
}
