/** The capture-hunt driver: reads a capture file (plain or .gz) as a stream, in worker threads when large. */
export { readCaptureFile, BATCH_OBSERVATIONS, type CaptureHuntOptions, type CaptureFileStats } from './read-capture-file.js';
