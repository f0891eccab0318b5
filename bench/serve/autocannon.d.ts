/** The part of autocannon 9's programmatic API bench/serve uses (the package ships no types). */
declare module 'autocannon' {
  interface Percentiles { p50: number; p90: number; p97_5: number; p99: number; average: number; max: number }
  export interface Result {
    latency: Percentiles;
    requests: Percentiles & { total: number };
    errors: number;
    timeouts: number;
    non2xx: number;
    '2xx': number;
    duration: number;
  }
  export interface Request {
    path?: string;
    method?: string;
    headers?: Record<string, string>;
    setupRequest?: (req: Request, context: Record<string, unknown>) => Request;
    onResponse?: (status: number, body: string, context: Record<string, unknown>, headers: Record<string, string>) => void;
  }
  export interface Options {
    url: string;
    connections?: number;
    duration?: number;
    headers?: Record<string, string>;
    requests?: Request[];
  }
  function autocannon(opts: Options): Promise<Result>;
  export default autocannon;
}
