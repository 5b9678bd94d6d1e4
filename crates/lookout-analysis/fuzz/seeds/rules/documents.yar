/*
 * Lookout starter rules: Office documents and PDFs.
 * Written against the raw file bytes, the way YARA sees them, so that the
 * same rules give the same answers in boreal and in the C engine. What only
 * shows once unpacked (macro source, which VBA compresses; relationships,
 * which OOXML deflates) is judged by the Office parser instead: auto-run
 * macros and remote templates are reasons in the verdict without a rule.
 */
rule Office_OLE_with_VBA_macros
{
    meta:
        description = "Legacy Office document (OLE compound file) carrying a VBA macro project"
        severity = "suspicious"
    strings:
        $project = "_VBA_PROJECT" wide
        $dir = "VBA" wide
    condition:
        uint32be(0) == 0xD0CF11E0 and $project and $dir
}

rule Office_OOXML_with_VBA_macros
{
    meta:
        description = "Office Open XML document (docm, xlsm, pptm) carrying a VBA macro project"
        severity = "suspicious"
    strings:
        $bin = "vbaProject.bin"
        $types = "[Content_Types].xml"
    condition:
        uint32be(0) == 0x504B0304 and $bin and $types
}

rule PDF_JavaScript_on_open
{
    meta:
        description = "PDF that runs JavaScript when opened"
        severity = "suspicious"
    strings:
        $open = "/OpenAction"
        $aa = "/AA"
        $js1 = "/JavaScript"
        $js2 = "/JS"
    condition:
        uint32be(0) == 0x25504446 and ($open or $aa) and ($js1 or $js2)
}

rule PDF_launch_action
{
    meta:
        description = "PDF that asks the reader to start a program (/Launch)"
        severity = "malicious"
    strings:
        $launch = "/Launch"
        $exe1 = ".exe" nocase
        $exe2 = "cmd" nocase
        $exe3 = "powershell" nocase
    condition:
        uint32be(0) == 0x25504446 and $launch and any of ($exe*)
}
