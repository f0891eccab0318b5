#!/usr/bin/python3
"""The pefile oracle: prints, as one JSON object, what Debian's python3-pefile reads
from each PE file named on the command line, for mingw-oracle.test.ts to compare
parsePe() against. Run with /usr/bin/python3 (the interpreter python3-pefile is for).

Usage: /usr/bin/python3 pefile-oracle.py [--max-exports N] FILE...

--max-exports raises pefile's max_symbol_exports (MAX_SYMBOL_EXPORT_COUNT, 8192): pefile
lists names past it by ordinal only, which parsePe (bounding the table by the bytes that
hold it) does not; raised, pefile reads a large well-formed table whole.

Output: {"pefile": VERSION, "resourceTypes": {id: "RT_…"}, "files": {FILE: facts | {"error": …}}}
Per file: machine, timestamp, imphash, checksum, checksumComputed, overlayOffset,
sections [name, VirtualSize, SizeOfRawData, Characteristics, round(entropy, 2)],
imports [dll, [name | [ordinal, name-or-null]]], exports, exportName, resources
[type id or name, name id or name, LANGID, codepage, size], timestamps (export,
resource and debug directories), pdb, versionInfo and rich entries.

Section names: pefile leaves COFF long names as '/4'; they are resolved here through
the COFF string table, as parsePe documents it does (and make-golden.py does).
"""
import json
import sys

import pefile

MAX_LONG_NAME = 256


def text(b):
    """bytes → str, keeping every byte (latin1), as parsePe reads ASCII names."""
    return b.decode('latin1') if isinstance(b, bytes) else b


def section_name(pe, s):
    raw = s.Name.split(b'\0')[0].decode('latin1')
    fh = pe.FILE_HEADER
    if len(raw) > 1 and raw[0] == '/' and raw[1:].isdigit() and fh.PointerToSymbolTable:
        start = fh.PointerToSymbolTable + fh.NumberOfSymbols * 18 + int(raw[1:])
        data = pe.__data__[start:start + MAX_LONG_NAME]
        if b'\0' in data:
            return data.split(b'\0')[0].decode('latin1')
    return raw


def read_imports(pe):
    out = []
    for entry in getattr(pe, 'DIRECTORY_ENTRY_IMPORT', []):
        functions = []
        for imp in entry.imports:
            if imp.import_by_ordinal:
                functions.append([imp.ordinal, text(imp.name) if imp.name else None])
            else:
                functions.append(text(imp.name))
        out.append([text(entry.dll), functions])
    return out


def read_exports(pe):
    if not hasattr(pe, 'DIRECTORY_ENTRY_EXPORT'):
        return [], None
    out = []
    for s in pe.DIRECTORY_ENTRY_EXPORT.symbols:
        e = {'ordinal': s.ordinal, 'rva': s.address}
        if s.name is not None:
            e['name'] = text(s.name)
        if s.forwarder is not None:
            e['forwarder'] = text(s.forwarder)
        out.append(e)
    name = pe.DIRECTORY_ENTRY_EXPORT.name
    return out, (text(name) if name is not None else None)


def label(entry):
    """A resource directory entry's id (int) or name (str)."""
    return str(entry.name) if entry.name is not None else entry.id


def read_resources(pe):
    out = []
    root = getattr(pe, 'DIRECTORY_ENTRY_RESOURCE', None)
    if root is None:
        return out
    for t in root.entries:
        if not hasattr(t, 'directory'):
            continue
        for n in t.directory.entries:
            if not hasattr(n, 'directory'):
                continue
            for lang in n.directory.entries:
                if not hasattr(lang, 'data'):
                    continue
                d = lang.data
                out.append([label(t), label(n), d.lang + (d.sublang << 10), d.struct.CodePage, d.struct.Size])
    return out


def debug_type_name(t):
    name = pefile.DEBUG_TYPE.get(t)
    return name[len('IMAGE_DEBUG_TYPE_'):].lower() if isinstance(name, str) else str(t)


def read_timestamps(pe):
    """Non-zero directory timestamps as [source, value], in parsePe's order: export, resource, debug."""
    out = []
    if hasattr(pe, 'DIRECTORY_ENTRY_EXPORT'):
        out.append(['export', pe.DIRECTORY_ENTRY_EXPORT.struct.TimeDateStamp])
    if hasattr(pe, 'DIRECTORY_ENTRY_RESOURCE'):
        out.append(['resource', pe.DIRECTORY_ENTRY_RESOURCE.struct.TimeDateStamp])
    for d in getattr(pe, 'DIRECTORY_ENTRY_DEBUG', []):
        out.append(['debug:' + debug_type_name(d.struct.Type), d.struct.TimeDateStamp])
    return [x for x in out if x[1] != 0]


def read_pdb(pe):
    for d in getattr(pe, 'DIRECTORY_ENTRY_DEBUG', []):
        name = getattr(d.entry, 'PdbFileName', None) if d.entry else None
        if name is not None:
            return name.split(b'\0')[0].decode('utf-8', 'replace')
    return None


def fmt_version(ms, ls):
    return '%d.%d.%d.%d' % (ms >> 16, ms & 0xffff, ls >> 16, ls & 0xffff)


def read_version_info(pe):
    """The first RT_VERSION resource: fixed file info and StringFileInfo strings (first table wins)."""
    infos = getattr(pe, 'FileInfo', None)
    if not infos:
        return None
    fixed = getattr(pe, 'VS_FIXEDFILEINFO', None) or [None]
    f = fixed[0]
    strings = {}
    for block in infos[0]:
        for table in getattr(block, 'StringTable', []):
            for k, v in table.entries.items():
                key = k.decode('utf-8', 'replace')
                if key not in strings:
                    strings[key] = v.decode('utf-8', 'replace')
    return {
        'fileVersion': fmt_version(f.FileVersionMS, f.FileVersionLS) if f else None,
        'productVersion': fmt_version(f.ProductVersionMS, f.ProductVersionLS) if f else None,
        'strings': strings,
    }


def read_rich(pe):
    rich = pe.parse_rich_header()
    if not rich:
        return None
    v = rich['values']
    return [[v[i] >> 16, v[i] & 0xffff, v[i + 1]] for i in range(0, len(v) - 1, 2)]


def read_file(path, max_exports):
    pe = pefile.PE(path, max_symbol_exports=max_exports)
    exports, export_name = read_exports(pe)
    return {
        'machine': pe.FILE_HEADER.Machine,
        'timestamp': pe.FILE_HEADER.TimeDateStamp,
        'imphash': pe.get_imphash(),
        'checksum': pe.OPTIONAL_HEADER.CheckSum,
        'checksumComputed': pe.generate_checksum(),
        'overlayOffset': pe.get_overlay_data_start_offset(),
        'sections': [[section_name(pe, s), s.Misc_VirtualSize, s.SizeOfRawData, s.Characteristics,
                      round(s.get_entropy(), 2)] for s in pe.sections],
        'imports': read_imports(pe),
        'exports': exports,
        'exportName': export_name,
        'resources': read_resources(pe),
        'timestamps': read_timestamps(pe),
        'pdb': read_pdb(pe),
        'versionInfo': read_version_info(pe),
        'rich': read_rich(pe),
    }


def main():
    out = {
        'pefile': pefile.__version__,
        'resourceTypes': {str(k): v for k, v in pefile.RESOURCE_TYPE.items() if isinstance(k, int)},
        'files': {},
    }
    args = sys.argv[1:]
    max_exports = pefile.MAX_SYMBOL_EXPORT_COUNT
    if args[:1] == ['--max-exports']:
        max_exports = int(args[1])
        args = args[2:]
    for path in args:
        try:
            out['files'][path] = read_file(path, max_exports)
        except Exception as e:  # an oracle failure is reported per file, not fatal to the rest
            out['files'][path] = {'error': '%s: %s' % (type(e).__name__, e)}
    json.dump(out, sys.stdout, sort_keys=True)
    sys.stdout.write('\n')


if __name__ == '__main__':
    main()
