/**
 * One Windows event as a JSON object → WinEvent, in the three shapes
 * shippers write:
 *
 * - Winlogbeat 7+/ECS: `winlog.event_id`, `winlog.record_id`,
 *   `winlog.computer_name`, `winlog.channel`, `winlog.provider_name`,
 *   `winlog.event_data.*`, `winlog.user_data.*`, `@timestamp`; Winlogbeat 6
 *   wrote the same at top level (`event_id`, `record_number`,
 *   `computer_name`, `log_name`, `source_name`, `event_data`).
 * - NXLog (`im_msvistalog` with `to_json()`): `EventID`, `Hostname`,
 *   `SourceName`, `Channel`, `RecordNumber`, `EventTime`, and the event's data
 *   fields at top level beside them.
 * - The OTRF/Mordor datasets: NXLog's field names with `TimeCreated` or
 *   `@timestamp`, and no record number.
 */
import type { WinEvent } from './event.js';
import { parseEventId, parseEventTime, parseRecordId } from './event-values.js';
import { MAX_DATA_ITEMS } from './xml-event.js';

type Obj = Record<string, unknown>;

/**
 * Top-level names that are the event's System part or a shipper's own
 * metadata in the flat (NXLog/OTRF) shape, not its data. `ProcessID` and
 * `ThreadID` are NXLog's System/Execution values only when NXLog wrote the
 * line (it has `EventTime` or `RecordNumber`): Security 5156 has a data item
 * named `ProcessID` too, which OTRF keeps at top level.
 */
const FLAT_SYSTEM_FIELDS: ReadonlySet<string> = new Set([
  'EventID', 'SourceName', 'ProviderName', 'Hostname', 'Computer', 'Channel', 'RecordNumber', 'EventRecordID', 'EventTime',
  'EventReceivedTime', 'TimeCreated', '@timestamp', '@version', 'Message', 'Task', 'Level', 'Keywords', 'ProviderGuid', 'Version',
  'Opcode', 'OpcodeValue', 'EventType', 'SeverityValue', 'Severity', 'Category', 'SourceModuleName', 'SourceModuleType', 'Domain',
  'AccountName', 'UserID', 'AccountType', 'ExecutionProcessID', 'ExecutionThreadID', 'ActivityID', 'RelatedActivityID',
]);
const NXLOG_EXECUTION_FIELDS: ReadonlySet<string> = new Set(['ProcessID', 'ThreadID']);

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A data value as the event holds it: strings as they are, numbers and booleans as text; anything else is no value. */
function dataText(v: unknown): string | null {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  return null;
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

/** Copies an object's scalar members into `data` (at most MAX_DATA_ITEMS in all), leaving out `skip`. */
function copyData(from: Obj, data: Record<string, string>, skip?: (k: string) => boolean): void {
  let n = Object.keys(data).length;
  for (const k in from) {
    if (n >= MAX_DATA_ITEMS) return;
    if (skip?.(k)) continue;
    const t = dataText(from[k]);
    if (t === null) continue;
    data[k] = t;
    n++;
  }
}

/** Which shape an object is in, or null when it is no Windows event. */
export function winEventJsonShape(o: Obj): 'winlogbeat' | 'winlogbeat6' | 'flat' | null {
  const w = o['winlog'];
  if (isObj(w) && parseEventId(w['event_id']) !== null) return 'winlogbeat';
  if (parseEventId(o['event_id']) !== null && ('computer_name' in o) && ('log_name' in o || 'source_name' in o || isObj(o['event_data']))) return 'winlogbeat6';
  if (parseEventId(o['EventID']) !== null && ('SourceName' in o || 'Channel' in o || 'ProviderName' in o)
    && ('Hostname' in o || 'Computer' in o || 'EventTime' in o || 'TimeCreated' in o)) return 'flat';
  return null;
}

/** A parsed JSON line → the event it holds, or null when it is no Windows event. */
export function jsonToWinEvent(o: unknown): WinEvent | null {
  if (!isObj(o)) return null;
  const shape = winEventJsonShape(o);
  if (shape === null) return null;
  const data: Record<string, string> = {};
  if (shape === 'winlogbeat') {
    const w = o['winlog'] as Obj;
    const host = o['host'];
    if (isObj(w['event_data'])) copyData(w['event_data'], data);
    if (isObj(w['user_data'])) copyData(w['user_data'], data);
    return {
      recordId: parseRecordId(w['record_id']),
      eventId: parseEventId(w['event_id'])!,
      provider: str(w['provider_name']),
      channel: str(w['channel']),
      computer: str(w['computer_name']) || (isObj(host) ? str(host['name']) : ''),
      ts: parseEventTime(o['@timestamp']),
      data,
    };
  }
  if (shape === 'winlogbeat6') {
    if (isObj(o['event_data'])) copyData(o['event_data'], data);
    if (isObj(o['user_data'])) copyData(o['user_data'], data);
    return {
      recordId: parseRecordId(o['record_number']),
      eventId: parseEventId(o['event_id'])!,
      provider: str(o['source_name']),
      channel: str(o['log_name']),
      computer: str(o['computer_name']),
      ts: parseEventTime(o['@timestamp']),
      data,
    };
  }
  const nxlog = 'EventTime' in o || 'RecordNumber' in o || 'SourceModuleName' in o;
  if (isObj(o['EventData'])) copyData(o['EventData'], data);
  copyData(o, data, (k) => FLAT_SYSTEM_FIELDS.has(k) || (nxlog && NXLOG_EXECUTION_FIELDS.has(k)));
  return {
    recordId: parseRecordId(o['RecordNumber'] ?? o['EventRecordID']),
    eventId: parseEventId(o['EventID'])!,
    provider: str(o['SourceName']) || str(o['ProviderName']),
    channel: str(o['Channel']),
    computer: str(o['Hostname']) || str(o['Computer']),
    ts: parseEventTime(o['EventTime'] ?? o['TimeCreated'] ?? o['@timestamp']),
    data,
  };
}
