"""pefile side of bench/scan-files: full load (every directory) + get_imphash()
for each path listed in argv[1]; writes "seconds count" on the first line of
stdout, then "path<TAB>imphash" per file (written after the clock stops).
Run with /usr/bin/python3 (Debian's python3-pefile)."""
import sys
import time

import pefile

paths = [line.rstrip('\n') for line in open(sys.argv[1], encoding='utf-8') if line.strip()]
results = []
t0 = time.perf_counter()
for p in paths:
    try:
        pe = pefile.PE(p)  # fast_load=False: headers, sections, imports, exports, resources, debug, relocations...
        results.append((p, pe.get_imphash()))
        pe.close()
    except pefile.PEFormatError as e:
        results.append((p, 'error: ' + str(e).replace('\t', ' ').replace('\n', ' ')))
seconds = time.perf_counter() - t0
out = [f'{seconds:.6f} {len(results)}']
out.extend(f'{p}\t{h}' for p, h in results)
sys.stdout.write('\n'.join(out) + '\n')
