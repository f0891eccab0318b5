/**
 * The import arrows of docs/design.md, enforced in `npm test`:
 *   core ← intel, evidence, samples, matching ← store ← hunt, enrich ← analytics ← report ← server, cli
 *   (sync sits beside analytics: it may import core, intel, store and hunt)
 *   (queue: after hunt, beside enrich; only server and cli's src/index.ts above it)
 * A folder imports only from folders left of it (and itself); intel, evidence,
 * samples and matching never import each other; server/ and cli/ use only
 * src/index.ts and never each other.
 */
const LAYERS = {
  core: [],
  intel: ['core'],
  evidence: ['core'],
  samples: ['core'],
  matching: ['core'],
  store: ['core', 'intel', 'evidence', 'samples', 'matching'],
  hunt: ['core', 'intel', 'evidence', 'samples', 'matching', 'store'],
  // Pulls intel from TAXII servers and imports it through hunt/'s importer.
  sync: ['core', 'intel', 'store', 'hunt'],
  enrich: ['core', 'intel', 'evidence', 'samples', 'matching', 'store'],
  queue: ['core', 'intel', 'evidence', 'samples', 'matching', 'store', 'hunt'],
  analytics: ['core', 'intel', 'evidence', 'samples', 'matching', 'store', 'hunt', 'enrich'],
  report: ['core', 'intel', 'evidence', 'samples', 'matching', 'store', 'hunt', 'enrich', 'analytics'],
};
const ALL = [...Object.keys(LAYERS), 'server', 'cli'];

const forbidden = Object.entries(LAYERS).map(([layer, allowed]) => ({
  name: `layer-${layer}`,
  comment: `src/${layer}/ may import only from ${allowed.length ? allowed.map((a) => `src/${a}/`).join(', ') : 'nothing else in src/'} (docs/design.md, Layout)`,
  severity: 'error',
  from: { path: `^src/${layer}/` },
  to: {
    path: `^src/(${ALL.filter((l) => l !== layer && !allowed.includes(l)).join('|')})/|^src/index\\.ts$`,
  },
}));

for (const front of ['server', 'cli']) {
  forbidden.push({
    name: `layer-${front}`,
    comment: `src/${front}/ uses only the public API in src/index.ts (docs/design.md, Layout)`,
    severity: 'error',
    from: { path: `^src/${front}/` },
    to: { path: `^src/(${ALL.filter((l) => l !== front).join('|')})/` },
  });
}

forbidden.push({
  name: 'no-circular',
  severity: 'error',
  comment: 'circular imports tie layers together',
  from: {},
  to: { circular: true },
});

module.exports = {
  forbidden,
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '\\.test\\.ts$|/testing/|/testdata/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
};
