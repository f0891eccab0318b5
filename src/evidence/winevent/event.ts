/**
 * One Windows event, as every reader of Windows event logs gives it: the
 * binary EVTX reader (`evtx/`), JSON lines (Winlogbeat/ECS, NXLog, OTRF) and
 * XML (`wevtutil qe /f:xml`, `evtx_dump.py`). The mapping from events to
 * observations (Sysmon, Security, DNS Client, PowerShell) works on this shape
 * only, whatever the reader.
 */
export interface WinEvent {
  /** `System/EventRecordID`; null when the source has none. */
  recordId: number | null;
  /** `System/EventID` (the qualifiers stripped). */
  eventId: number;
  /** `System/Provider/@Name` (`Microsoft-Windows-Sysmon`, `Microsoft-Windows-Security-Auditing`…); '' when absent. */
  provider: string;
  /** `System/Channel` (`Microsoft-Windows-Sysmon/Operational`, `Security`…); '' when absent. */
  channel: string;
  /** `System/Computer`; '' when absent. */
  computer: string;
  /** `System/TimeCreated/@SystemTime` as epoch milliseconds (UTC), or null. */
  ts: number | null;
  /**
   * `EventData/Data` by `@Name` (and `UserData`'s leaf elements by element
   * name), values as text exactly as the event holds them; unnamed data
   * items get the names `Data1`, `Data2`… in order.
   */
  data: Record<string, string>;
}
