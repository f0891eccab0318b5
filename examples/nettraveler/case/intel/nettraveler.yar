// YARA rules for Sightline's example case (examples/nettraveler), written for it.
//
// NetTraveler_Public_Strings: strings NetTraveler's builds carry, as public
// sources quote them: the "NetTraveler Is Running!" debug string the toolkit
// is named after (Kaspersky Lab, "The NetTraveler (aka 'Travnet')", June 2013)
// and the beacon and upload formats Citizen Lab's NetTravStrings rule lists
// (Katie Kleemola, 2014). Harmless strings; any one of them is enough.
//
// Sightline_Example_Stub: the marker of the case's generated PE stubs, which
// are harmless test files (a .text of NOPs and RET, no code).
//
// Import them as the campaign's:
//   sightline intel import --campaign NetTraveler examples/nettraveler/case/intel/nettraveler.yar

rule NetTraveler_Public_Strings : nettraveler
{
    meta:
        description = "NetTraveler debug, beacon and upload strings (public)"
        author = "Sightline developers"
        reference = "https://securelist.com/the-nettraveler-aka-travnet/35936/"
    strings:
        $running = "NetTraveler Is Running!" ascii wide
        $backinfo = "travlerbackinfo" ascii wide
        $getcmd = "?action=getcmd&hostid=" ascii
        $gotcmd = "?action=gotcmd&hostid=" ascii
        $updated = "?action=updated&hostid=" ascii
        $upload = "?hostid=%s&hostname=%s&hostip=%s&filename=%s&filestart=%u&filetext=" ascii
    condition:
        any of them
}

rule Sightline_Example_Stub : example
{
    meta:
        description = "Marker of the example case's generated stubs (not malware)"
        author = "Sightline developers"
    strings:
        $marker = "SIGHTLINE-EXAMPLE-STUB" ascii
    condition:
        $marker
}
