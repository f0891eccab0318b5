import json, sys, os
FIELDS = ['dns.qry.name', 'dns.a', 'dns.aaaa', 'dns.cname', 'http.host', 'http.request.uri', 'tls.handshake.extensions_server_name']
src, out = sys.argv[1], sys.argv[2]
# Where the captures are named from: pcap/ (the shared data) unless told (recorded/ for ../recorded).
prefix = sys.argv[3] if len(sys.argv) > 3 else 'pcap/'
for fn in sorted(os.listdir(src)):
    cap = fn[:-4]
    frames = {}
    n = 0
    for line in open(os.path.join(src, fn), encoding='utf-8', errors='surrogateescape'):
        cols = line.rstrip('\n').split('\t')
        n += 1
        rec = {}
        for name, v in zip(FIELDS, cols[1:]):
            if v != '':
                rec[name] = v.split('|')
        if rec:
            frames[cols[0]] = rec
    base = cap.rsplit('.', 1)[0]
    with open(os.path.join(out, base + '.json'), 'w') as f:
        json.dump({'capture': prefix + cap, 'packets': n, 'frames': frames}, f, indent=1, ensure_ascii=False)
        f.write('\n')
