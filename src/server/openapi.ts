/**
 * The API's OpenAPI 3.1 description, served at /api/openapi.json. Written by
 * hand as a typed object; app.test.ts checks that every route of the app is
 * described here and every operation here is a route, so it cannot drift.
 */

/** The parts of OpenAPI 3.1 this description uses. */
export interface Schema {
  type?: 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean' | 'null' | ('string' | 'integer' | 'number' | 'null' | 'object')[];
  description?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  enum?: (string | number | null)[];
  format?: string;
  minimum?: number;
  maximum?: number;
  maxLength?: number;
  pattern?: string;
  default?: string | number | boolean;
  additionalProperties?: Schema | boolean;
  $ref?: string;
  oneOf?: Schema[];
}
export interface Parameter {
  name: string;
  in: 'query' | 'path' | 'header';
  description: string;
  required?: boolean;
  schema: Schema;
}
export interface Response {
  description: string;
  headers?: Record<string, { description: string; schema: Schema }>;
  content?: Record<string, { schema: Schema }>;
}
export interface Operation {
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  parameters?: (Parameter | { $ref: string })[];
  requestBody?: { required: boolean; content: Record<string, { schema: Schema; encoding?: Record<string, { contentType: string }> }> };
  responses: Record<string, Response | { $ref: string }>;
  security?: Record<string, string[]>[];
}
export type PathItem = Partial<Record<'get' | 'post', Operation>>;
export interface OpenApiDocument {
  openapi: '3.1.0';
  info: { title: string; version: string; description: string; license: { name: string; identifier: string } };
  servers: { url: string }[];
  security: Record<string, string[]>[];
  tags: { name: string; description: string }[];
  paths: Record<string, PathItem>;
  components: {
    schemas: Record<string, Schema>;
    parameters: Record<string, Parameter>;
    responses: Record<string, Response>;
    securitySchemes: Record<string, { type: 'http'; scheme: 'bearer'; description: string }>;
  };
}

const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
const param = (name: string) => ({ $ref: `#/components/parameters/${name}` });
const error = (name: string) => ({ $ref: `#/components/responses/${name}` });
const json = (schema: Schema, description: string): Response => ({ description, content: { 'application/json': { schema } } });
const str = (description: string, extra: Partial<Schema> = {}): Schema => ({ type: 'string', description, ...extra });
const int = (description: string, extra: Partial<Schema> = {}): Schema => ({ type: 'integer', description, ...extra });
const nullable = (s: Schema): Schema => ({ ...s, type: [s.type as 'string', 'null'] });
const q = (name: string, description: string, schema: Schema): Parameter => ({ name, in: 'query', description, schema });
const page = (item: string, key: string): Schema => ({
  type: 'object', required: [key, 'next'],
  properties: { [key]: { type: 'array', items: ref(item) }, next: { type: ['string', 'null'], description: 'the cursor of the next page, or null on the last' } },
});
const READ_ERRORS = { 400: error('BadRequest'), 401: error('Unauthorized'), 403: error('Forbidden'), 429: error('RateLimited') };
const upload = (fields: Record<string, Schema>) => ({
  required: true,
  content: {
    'multipart/form-data': {
      schema: { type: 'object' as const, required: ['file'], properties: { file: { type: 'string' as const, format: 'binary', description: 'the file' }, ...fields } },
    },
  },
});
const campaignField = str('the campaign every indicator (intel) or hunt (evidence) is for, by name or alias', { maxLength: 256 });

export const OPENAPI: OpenApiDocument = {
  openapi: '3.1.0',
  info: {
    title: 'Sightline API',
    version: '1',
    description: 'A case of `sightline serve`: campaigns measured as an APT report measures them, the victims, sightings, samples, ' +
      'indicators and evidence behind every number, and uploads of intel and evidence hunted as background jobs. Errors are ' +
      '`{"error":{"code","message"}}`. See docs/api.md.',
    license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
  },
  servers: [{ url: '/' }],
  // A loopback server without tokens in its case needs none (the empty requirement).
  security: [{ bearer: [] }, {}],
  tags: [
    { name: 'campaigns', description: 'campaigns and their statistics' },
    { name: 'rows', description: 'the rows behind the numbers' },
    { name: 'uploads', description: 'intel, evidence and assets, and the jobs that take them in (analysts only)' },
    { name: 'meta', description: 'the server itself' },
  ],
  paths: {
    '/api/openapi.json': {
      get: {
        operationId: 'openapi', summary: 'this description', tags: ['meta'], security: [{}],
        responses: { 200: json({ type: 'object' }, 'the OpenAPI 3.1 document'), 400: error('BadRequest'), 429: error('RateLimited') },
      },
    },
    '/api/whoami': {
      get: {
        operationId: 'whoami', summary: 'the role the request has, and how the server is set up', tags: ['meta'],
        responses: {
          200: json({
            type: 'object', required: ['role', 'auth', 'version', 'maxUploadBytes', 'credits'],
            properties: {
              role: { type: 'string', enum: ['reader', 'analyst'] },
              auth: { type: 'string', enum: ['required', 'auto'], description: 'required: every request needs a token; auto: once the case holds a token' },
              version: str('the Sightline version'),
              maxUploadBytes: int('the largest file an upload may carry'),
              credits: { type: 'array', items: { type: 'string' }, description: 'attributions of the data the numbers come from' },
            },
          }, 'the session'),
          ...READ_ERRORS,
        },
      },
    },
    '/api/campaigns': {
      get: {
        operationId: 'listCampaigns', summary: "the case's campaigns (as `campaign list --json`)", tags: ['campaigns'],
        responses: { 200: json({ type: 'object', required: ['campaigns'], properties: { campaigns: { type: 'array', items: ref('Campaign') } } }, 'campaigns by name'), ...READ_ERRORS },
      },
    },
    '/api/campaigns/{name}/stats': {
      get: {
        operationId: 'campaignStats', summary: "a campaign's statistics: the same object as `campaign stats --json` (docs/analytics.md)", tags: ['campaigns'],
        parameters: [
          { name: 'name', in: 'path', required: true, description: 'the campaign, by name or alias', schema: { type: 'string', maxLength: 256 } },
          q('top', 'cut `victims.byOrganisation` and each `overlap[].victims` to their first N entries (the object then says `top: N`): what an overview shows, a few kilobytes',
            { type: 'integer', minimum: 1, maximum: 1000 }),
        ],
        responses: { 200: json(ref('CampaignStats'), 'the statistics'), ...READ_ERRORS, 404: error('NotFound') },
      },
    },
    '/api/victims': {
      get: {
        operationId: 'listVictims', summary: "the victims behind a campaign's counts (every campaign's without `campaign`)", tags: ['rows'],
        parameters: [
          param('campaign'),
          q('country', 'ISO 3166-1 alpha-2 (ZZ: unknown)', { type: 'string', pattern: '^[A-Za-z]{2}$' }),
          q('sector', 'a sector (docs/design.md, Sectors), `unknown` included', { type: 'string', maxLength: 256 }),
          q('organisation', 'the organisation, as the asset directory or ASN data names it (case-insensitive)', { type: 'string', maxLength: 256 }),
          q('asn', 'the AS number', { type: 'integer', minimum: 0, maximum: 4294967295 }),
          q('src', 'one victim address', { type: 'string', maxLength: 256 }),
          q('sort', 'the order; a leading - is descending', {
            type: 'string', default: '-sightings',
            enum: ['sightings', 'src', 'country', 'sector', 'organisation', 'firstSeen', 'lastSeen', 'hostIds'].flatMap((s) => [s, `-${s}`]),
          }),
          param('limit'),
          q('offset', 'rows to skip', { type: 'integer', minimum: 0, default: 0 }),
        ],
        responses: {
          200: json({
            type: 'object', required: ['total', 'offset', 'limit', 'nextOffset', 'victims'],
            properties: {
              total: int('victims the filters select'), offset: int('rows skipped'), limit: int('rows asked for'),
              nextOffset: { type: ['integer', 'null'], description: 'the offset of the next page, or null on the last' },
              victims: { type: 'array', items: ref('Victim') },
            },
          }, 'a page of victims'),
          ...READ_ERRORS, 404: error('NotFound'),
        },
      },
    },
    '/api/sightings': {
      get: {
        operationId: 'listSightings', summary: 'the sightings the case holds, in id order (or time order with `order=time`)', tags: ['rows'],
        parameters: [
          param('campaign'),
          q('indicator', '`type:value` or a value (normalised as on import; a YARA rule by its name)', { type: 'string', maxLength: 4096 }),
          q('src', 'the source host', { type: 'string', maxLength: 256 }),
          q('since', 'at or after (ISO 8601 date or time; UTC when no zone is given)', { type: 'string' }),
          q('until', 'at or before (a date alone: to the end of that day)', { type: 'string' }),
          q('evidence', 'the evidence id', { type: 'integer', minimum: 1 }),
          q('order', '`id` (the default) or `time`: by time, then indicator id, then id, sightings without a time last; its cursor is the `next` of the page before (`T<ms>.<indicator>.<id>` or `N.<indicator>.<id>`)',
            { type: 'string', enum: ['id', 'time'], default: 'id' }),
          param('limit'),
          { name: 'cursor', in: 'query', description: '`next` of the page before (an id; in time order a time key)', schema: { type: 'string', pattern: '^(\\d{1,16}|(T-?\\d{1,16}|N)\\.\\d{1,16}\\.\\d{1,16})$' } },
        ],
        responses: { 200: json(page('Sighting', 'sightings'), 'a page of sightings'), ...READ_ERRORS, 404: error('NotFound') },
      },
    },
    '/api/samples': {
      get: {
        operationId: 'listSamples', summary: 'scanned files (as `samples --json`), in row order', tags: ['rows'],
        parameters: [
          param('campaign'),
          q('hash', 'an md5, sha1 or sha256', { type: 'string', pattern: '^([0-9a-fA-F]{32}|[0-9a-fA-F]{40}|[0-9a-fA-F]{64})$' }),
          { name: 'limit', in: 'query', description: 'rows in a page', schema: { type: 'integer', minimum: 1, maximum: 200, default: 50 } },
          param('cursor'),
        ],
        responses: { 200: json(page('Sample', 'samples'), 'a page of samples'), ...READ_ERRORS, 404: error('NotFound') },
      },
    },
    '/api/indicators': {
      get: {
        operationId: 'listIndicators', summary: "the case's indicators with their sighting counts, in id order", tags: ['rows'],
        parameters: [
          param('campaign'),
          q('type', 'one indicator type', { type: 'string' }),
          q('q', 'text the value contains (case-insensitive)', { type: 'string', maxLength: 4096 }),
          q('sighted', 'only sighted (true) or never sighted (false) indicators', { type: 'string', enum: ['true', 'false'] }),
          param('limit'), param('cursor'),
        ],
        responses: { 200: json(page('Indicator', 'indicators'), 'a page of indicators'), ...READ_ERRORS, 404: error('NotFound') },
      },
    },
    '/api/evidence': {
      get: {
        operationId: 'listEvidence', summary: 'evidence files with their read statistics, in id order', tags: ['rows'],
        parameters: [param('limit'), param('cursor')],
        responses: { 200: json(page('Evidence', 'evidence'), 'a page of evidence'), ...READ_ERRORS },
      },
    },
    '/api/evidence/{id}': {
      get: {
        operationId: 'getEvidence', summary: 'one evidence file', tags: ['rows'],
        parameters: [{ name: 'id', in: 'path', required: true, description: 'the evidence id', schema: { type: 'integer', minimum: 1 } }],
        responses: { 200: json(ref('Evidence'), 'the evidence'), ...READ_ERRORS, 404: error('NotFound') },
      },
    },
    '/api/evidence/{id}/lines': {
      get: {
        operationId: 'getEvidenceLines', summary: "lines of an evidence file, read where the case says it is (a sighting's line in its context)", tags: ['rows'],
        description: 'The file must still be the one hunted (same size and modification time); gzip is read through; at most 256 MiB are read ' +
          'to reach a line, and each line is cut at 4,096 characters. A relative path is read from the server\'s working directory.',
        parameters: [
          { name: 'id', in: 'path', required: true, description: 'the evidence id', schema: { type: 'integer', minimum: 1 } },
          q('from', 'the first line (1-based)', { type: 'integer', minimum: 1, default: 1 }),
          q('count', 'lines to return', { type: 'integer', minimum: 1, maximum: 50, default: 10 }),
        ],
        responses: {
          200: json({
            type: 'object', required: ['id', 'path', 'from', 'lines'],
            properties: {
              id: int('the evidence id'), path: str('its path'), from: int('the first line asked for'),
              lines: {
                type: 'array', description: 'the lines that exist from `from` on (fewer at the end of the file)',
                items: { type: 'object', required: ['n', 'text', 'truncated'], properties: { n: int('line number'), text: str('the line, as UTF-8'), truncated: { type: 'boolean' } } },
              },
            },
          }, 'the lines'),
          ...READ_ERRORS, 404: error('NotFound'),
          409: json(ref('Error'), 'the file changed since it was hunted, or cannot be read (code conflict)'),
          413: error('TooLarge'),
        },
      },
    },
    '/api/intel': {
      post: {
        operationId: 'uploadIntel', summary: 'import an intel file (STIX, MISP, IOC list, YARA) as a job', tags: ['uploads'],
        requestBody: upload({ campaign: campaignField, format: str('auto, or an intel format: stix, misp, ioc, yara, urlhaus, threatfox, malwarebazaar, feodo, sslbl, otx', { default: 'auto' }) }),
        responses: {
          202: { ...json({ type: 'object', required: ['job'], properties: { job: ref('Job') } }, 'the job, queued'), headers: { Location: { description: 'the job', schema: { type: 'string' } } } },
          ...READ_ERRORS, 413: error('TooLarge'), 415: error('UnsupportedMediaType'),
        },
      },
    },
    '/api/hunts': {
      post: {
        operationId: 'uploadEvidence', summary: "hunt an evidence file (a log, capture or file) for the case's indicators, as a job", tags: ['uploads'],
        description: 'The file is kept in the upload folder: its sightings point at its path and lines.',
        requestBody: upload({ campaign: campaignField, format: str('auto or a `hunt --format` name', { default: 'auto' }) }),
        responses: {
          202: { ...json({ type: 'object', required: ['job'], properties: { job: ref('Job') } }, 'the job, queued'), headers: { Location: { description: 'the job', schema: { type: 'string' } } } },
          ...READ_ERRORS, 413: error('TooLarge'), 415: error('UnsupportedMediaType'),
        },
      },
    },
    '/api/assets': {
      post: {
        operationId: 'uploadAssets', summary: 'add to the asset directory (CSV: address,organisation,sector,country)', tags: ['uploads'],
        requestBody: upload({}),
        responses: {
          200: json({
            type: 'object', required: ['added', 'replaced', 'skipped', 'diagnostics'],
            properties: {
              added: int('entries new to the directory'), replaced: int('entries that replaced one for the same address'),
              skipped: int('rows not taken'), diagnostics: ref('Diagnostics'),
            },
          }, 'what was added'),
          ...READ_ERRORS, 413: error('TooLarge'), 415: error('UnsupportedMediaType'),
        },
      },
    },
    '/api/jobs': {
      get: {
        operationId: 'listJobs', summary: 'the jobs kept in memory (running, queued, the last 200 finished), newest first', tags: ['uploads'],
        responses: { 200: json({ type: 'object', required: ['jobs'], properties: { jobs: { type: 'array', items: ref('Job') } } }, 'jobs'), ...READ_ERRORS },
      },
    },
    '/api/jobs/{id}': {
      get: {
        operationId: 'getJob', summary: "a job's state and progress", tags: ['uploads'],
        parameters: [{ name: 'id', in: 'path', required: true, description: 'the job id', schema: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,64}$' } }],
        responses: { 200: json(ref('Job'), 'the job'), ...READ_ERRORS, 404: error('NotFound') },
      },
    },
  },
  components: {
    securitySchemes: {
      bearer: { type: 'http', scheme: 'bearer', description: '`sightline token create --role reader|analyst`; readers cannot write' },
    },
    parameters: {
      campaign: { name: 'campaign', in: 'query', description: 'a campaign by name or alias', schema: { type: 'string', maxLength: 256 } },
      limit: { name: 'limit', in: 'query', description: 'rows in a page', schema: { type: 'integer', minimum: 1, maximum: 1000, default: 100 } },
      cursor: { name: 'cursor', in: 'query', description: '`next` of the page before', schema: { type: 'integer', minimum: 0 } },
    },
    responses: {
      BadRequest: json(ref('Error'), 'a parameter is unknown, repeated or invalid (code bad-request)'),
      Unauthorized: json(ref('Error'), 'a token is needed, or the one given is not valid (code unauthorized)'),
      Forbidden: json(ref('Error'), 'a reader writing, a write from another origin, or a non-loopback host name without tokens (code forbidden)'),
      NotFound: json(ref('Error'), 'no such campaign, evidence or job (code not-found)'),
      TooLarge: json(ref('Error'), 'the upload is larger than the limit (code too-large)'),
      UnsupportedMediaType: json(ref('Error'), 'not multipart/form-data (code unsupported-media-type)'),
      RateLimited: {
        ...json(ref('Error'), 'too many requests from this address (code rate-limited)'),
        headers: { 'Retry-After': { description: 'seconds to wait', schema: { type: 'integer' } } },
      },
    },
    schemas: {
      Error: {
        type: 'object', required: ['error'],
        properties: {
          error: {
            type: 'object', required: ['code', 'message'],
            properties: {
              code: { type: 'string', enum: ['bad-request', 'unauthorized', 'forbidden', 'not-found', 'method-not-allowed', 'conflict', 'too-large', 'unsupported-media-type', 'rate-limited', 'internal', 'unavailable'] },
              message: str('what went wrong, for people'),
            },
          },
        },
      },
      Campaign: {
        type: 'object', required: ['name', 'aliases', 'indicators', 'byType'],
        properties: {
          name: str('the canonical name'), aliases: { type: 'array', items: { type: 'string' } }, indicators: int('indicators held'),
          byType: { type: 'object', additionalProperties: { type: 'integer' } },
        },
      },
      CampaignStats: {
        type: 'object', description: 'every field is documented in docs/analytics.md',
        required: ['campaign', 'victims', 'excluded', 'timeline', 'indicators', 'builds', 'authorship', 'overlap'],
        properties: {
          campaign: str('the canonical name'),
          victims: { type: 'object', description: 'count, hostIds, countries, byCountry, bySector, byOrganisation' },
          excluded: { type: 'object', description: 'crawlers and scanners counted apart' },
          timeline: { type: 'object', description: 'firstSeen, lastSeen, byDay, byWeek, byMonth' },
          indicators: { type: 'object', description: 'total, sighted, byType, heldByType, top' },
          builds: { type: 'object', description: 'the PE samples: count, set aside, by year, variants' },
          authorship: { type: 'object', description: "the working-hours fit: utcOffset or the reason it declined" },
          overlap: { type: 'array', items: { type: 'object' } },
        },
      },
      Victim: {
        type: 'object', required: ['campaign', 'src', 'hostIds', 'country', 'sector', 'enrichedBy', 'sightings', 'indicators', 'indicatorCount'],
        description: 'a victim of `victims --json`, its indicators capped',
        properties: {
          campaign: str('the campaign'), src: str('the source address'), hostIds: { type: 'array', items: { type: 'string' } },
          country: nullable(str('ISO 3166-1 alpha-2')), countryName: nullable(str('its English name')), asn: { type: ['integer', 'null'] },
          organisation: nullable(str('from the asset directory or the ASN data')), sector: str('lower-case; unknown when nothing says'),
          enrichedBy: { type: 'string', enum: ['assets', 'geoip', 'none'] },
          firstSeen: nullable(str('ISO 8601 UTC', { format: 'date-time' })), lastSeen: nullable(str('ISO 8601 UTC', { format: 'date-time' })),
          sightings: int('sightings from this host'),
          indicators: { type: 'array', items: { type: 'string' }, description: 'the first 20 of the indicators it hit, as `type:value`, sorted' },
          indicatorCount: int('how many indicators it hit'),
        },
      },
      Sighting: {
        type: 'object', required: ['id', 'evidenceId', 'indicator', 'matched', 'field', 'ts', 'src', 'dst', 'evidence'],
        description: 'the sighting line of docs/design.md, with its id (the cursor) and its evidence id',
        properties: {
          id: int('the row id'), evidenceId: int('the evidence id'),
          indicator: { type: 'object', required: ['type', 'value', 'campaigns'], properties: { type: str('type'), value: str('value'), campaigns: { type: 'array', items: { type: 'string' } } } },
          matched: str('the value as seen'), field: str('where in the record (dns.query, http.host, …)'),
          ts: nullable(str('ISO 8601 UTC', { format: 'date-time' })), src: nullable(str('the host that asked or connected')), dst: nullable(str('the other end')),
          evidence: {
            type: 'object', required: ['path', 'format'],
            properties: { path: str('as given to the hunt'), format: str('the evidence format'), line: int('1-based line'), packet: int('1-based packet'), inside: str('an archive member'),
              record: int('Windows event logs: the EventRecordID') },
          },
          hostId: str("the implant's host identifier the record carried"),
          process: {
            type: 'object', required: ['image', 'pid', 'guid'], description: 'Windows event logs: the process the event named',
            properties: { image: nullable(str('the program\'s path as logged')), pid: { type: ['integer', 'null'] }, guid: nullable(str("Sysmon's ProcessGuid")) },
          },
          yara: { type: 'object', description: 'for a YARA sighting: namespace, tags, meta, strings' },
        },
      },
      Sample: {
        type: 'object', required: ['id', 'sha256', 'md5', 'sha1', 'size', 'type', 'paths', 'campaigns', 'yara', 'pe'],
        properties: {
          id: int('the row id'), sha256: str('hex'), md5: str('hex'), sha1: str('hex'), size: int('bytes'), type: str('file type'),
          paths: { type: 'array', items: { type: 'string' }, description: 'every place it was met (`archive.zip!member`)' },
          campaigns: { type: 'array', items: { type: 'string' } }, yara: { type: 'array', items: { type: 'string' } },
          pe: { type: ['object', 'null'], description: 'PE facts (src/samples/pe/types.ts) or null' },
        },
      },
      Indicator: {
        type: 'object', required: ['id', 'type', 'value', 'campaigns', 'sources', 'warninglist', 'sightings'],
        properties: {
          id: int('the row id'), type: str('the indicator type'), value: str('the normalised value (a rule by its name)'),
          campaigns: { type: 'array', items: { type: 'string' } }, sources: { type: 'array', items: { type: 'string' } },
          warninglist: nullable(str('the warninglist it is on')), sightings: int('its sightings (sinkhole crawlers and scanners aside)'),
        },
      },
      Evidence: {
        type: 'object', required: ['id', 'path', 'sha256', 'format', 'size', 'lines', 'records', 'skipped', 'huntedAt', 'mtimeMs', 'families', 'sightings'],
        properties: {
          id: int('the row id'), path: str('as given to the first hunt'), sha256: str('hex'), format: str('the format it was first read as'),
          size: int('bytes'), lines: int('lines read'), records: int('records read'), skipped: int('records skipped'),
          huntedAt: str('ISO 8601 UTC', { format: 'date-time' }), mtimeMs: int('modification time, epoch ms'),
          families: { type: 'array', items: { type: 'string' }, description: 'the format families it was hunted in' },
          sightings: int('the sightings it holds'),
        },
      },
      Diagnostics: {
        type: 'object', required: ['count', 'messages'],
        properties: { count: int('diagnostics'), errors: int('of them, errors (something skipped)'), messages: { type: 'array', items: { type: 'string' }, description: 'the first 50, as `path:line: reason`' } },
      },
      Job: {
        type: 'object', required: ['id', 'kind', 'state', 'file', 'createdAt', 'startedAt', 'finishedAt', 'progress', 'result', 'diagnostics', 'error'],
        properties: {
          id: str('the job id'), kind: { type: 'string', enum: ['intel', 'hunt'] },
          state: { type: 'string', enum: ['queued', 'running', 'done', 'failed'] },
          file: { type: 'object', required: ['name', 'size', 'sha256'], properties: { name: str('as stored'), size: int('bytes'), sha256: str('hex') } },
          createdAt: str('ISO 8601 UTC'), startedAt: nullable(str('ISO 8601 UTC')), finishedAt: nullable(str('ISO 8601 UTC')),
          progress: {
            type: 'object', required: ['bytes', 'total', 'items', 'label'],
            properties: { bytes: int('bytes read'), total: { type: ['integer', 'null'] }, items: int('sightings or indicators so far'), label: nullable(str('what items are')) },
          },
          result: { type: ['object', 'null'], description: "the library's result (HuntResult with `evidence`, or IntelImportResult)" },
          diagnostics: ref('Diagnostics'),
          error: nullable(str('why a failed job failed')),
        },
      },
    },
  },
};
