// An example rule for Sightline's bundled case: it matches the marker string
// planted in the example evidence, not real NetTraveler samples.
rule NT_Example_Marker : nettraveler example
{
    meta:
        description = "Sightline example: NetTraveler-style upload marker"
        author = "Sightline developers"
    strings:
        $marker = "travlerbackinfo-example" ascii wide
    condition:
        $marker
}
