#!/usr/bin/python3
"""Writes golden.json: what pefile (Debian python3-pefile 2023.2.7) reads from the
benign PE files listed in README.md, for golden.test.ts to compare parsePe() against.

Usage: /usr/bin/python3 make-golden.py [CORPUS_ROOT]   (default $SIGHTLINE_PE_CORPUS or /work/pe-corpus/root)

Section names: pefile leaves COFF long names as '/4'; we resolve them through the
COFF string table here (that resolution is parsePe's documented behaviour).
"""
import json, os, struct, subprocess, sys
import pefile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = sys.argv[1] if len(sys.argv) > 1 else os.environ.get('SIGHTLINE_PE_CORPUS', '/work/pe-corpus/root')
PREFIXES = ['usr/share/nsis', 'usr/share/win32', 'usr/lib/python3/dist-packages/distlib', 'usr/lib/mono/4.5/mscorlib.dll',
            'usr/x86_64-w64-mingw32/lib/libwinpthread-1.dll', 'usr/lib/shim', 'usr/lib/grub/x86_64-efi-signed']


def list_pe_files():
    out = []
    for prefix in PREFIXES:
        base = os.path.join(ROOT, prefix)
        paths = [base] if os.path.isfile(base) else [os.path.join(d, f) for d, _, fs in os.walk(base) for f in fs]
        for p in paths:
            with open(p, 'rb') as fh:
                head = fh.read(0x1000)
            if head[:2] != b'MZ' or len(head) < 0x40:
                continue
            lfanew = struct.unpack_from('<I', head, 0x3c)[0]
            with open(p, 'rb') as fh:
                fh.seek(lfanew)
                if fh.read(4) != b'PE\0\0':
                    continue
            out.append(os.path.relpath(p, ROOT))
    return sorted(out)


def section_name(pe, s):
    raw = s.Name.rstrip(b'\0').split(b'\0')[0].decode('latin1')
    fh = pe.FILE_HEADER
    if raw.startswith('/') and raw[1:].isdigit() and fh.PointerToSymbolTable:
        st = fh.PointerToSymbolTable + fh.NumberOfSymbols * 18 + int(raw[1:])
        data = pe.__data__[st:st + 256]
        return data.split(b'\0')[0].decode('latin1')
    return raw


def golden(path):
    pe = pefile.PE(path)
    g = {
        'machine': pe.FILE_HEADER.Machine,
        'timestamp': pe.FILE_HEADER.TimeDateStamp,
        'imphash': pe.get_imphash(),
        'checksum': pe.OPTIONAL_HEADER.CheckSum,
        'checksumComputed': pe.generate_checksum(),
        'overlayOffset': pe.get_overlay_data_start_offset(),
        'sections': [{'name': section_name(pe, s), 'rawSize': s.SizeOfRawData, 'entropy': s.get_entropy()} for s in pe.sections],
        'imports': [{'dll': e.dll.decode('latin1'),
                     'functions': [i.name.decode('latin1') if i.name else '#%d' % i.ordinal for i in e.imports]}
                    for e in getattr(pe, 'DIRECTORY_ENTRY_IMPORT', [])],
        'exports': [],
        'rich': None,
        'pdb': None,
    }
    if hasattr(pe, 'DIRECTORY_ENTRY_EXPORT'):
        for s in pe.DIRECTORY_ENTRY_EXPORT.symbols:
            e = {'ordinal': s.ordinal, 'rva': s.address}
            if s.name: e['name'] = s.name.decode('latin1')
            if s.forwarder: e['forwarder'] = s.forwarder.decode('latin1')
            g['exports'].append(e)
    rich = pe.parse_rich_header()
    if rich:
        v = rich['values']
        g['rich'] = {'checksum': rich['checksum'],
                     'entries': [[v[i] >> 16, v[i] & 0xffff, v[i + 1]] for i in range(0, len(v), 2)]}
    for d in getattr(pe, 'DIRECTORY_ENTRY_DEBUG', []):
        name = getattr(d.entry, 'PdbFileName', None) if d.entry else None
        if name is not None:
            g['pdb'] = name.rstrip(b'\0').decode('utf-8', 'replace')
            break
    return g


def main():
    files = list_pe_files()
    out = {'pefile': pefile.__version__, 'files': {}}
    for rel in files:
        out['files'][rel] = golden(os.path.join(ROOT, rel))
    with open(os.path.join(HERE, 'golden.json'), 'w') as fh:
        json.dump(out, fh, indent=1, sort_keys=True)
        fh.write('\n')
    print(f'{len(files)} files', file=sys.stderr)


if __name__ == '__main__':
    main()
