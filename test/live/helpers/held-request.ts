// A POST whose last body byte is held back: the connection is open and the
// server has the request line, headers and all but one byte of the body, so it
// cannot answer until `release()`. Opening many of these and waiting for every
// `sent` puts that many requests genuinely in flight at once, whatever the
// speed of the machine — no sleeping, no timing.
import http from 'node:http';

export interface HeldResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  json: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export interface HeldRequest {
  /** Resolves once the headers and the partial body are handed to the socket. */
  sent: Promise<void>;
  /** Whether an answer (or a network error) has come back. */
  answered(): boolean;
  /** Sends the last byte; resolves with the answer (a network error becomes status 0). */
  release(): Promise<HeldResponse>;
}

export function holdRequest(agent: http.Agent, url: string, urlPath: string, headers: Record<string, string>, body: unknown): HeldRequest {
  const payload = Buffer.from(JSON.stringify(body));
  const req = http.request(new URL(urlPath, url), {
    method: 'POST',
    agent,
    headers: { ...headers, 'content-type': 'application/json', 'content-length': String(payload.length) },
  });
  let done = false;
  const answer = new Promise<HeldResponse>((resolve) => {
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString();
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
      });
      res.on('error', (e) => resolve({ status: 0, headers: {}, text: String(e), json: undefined }));
    });
    req.on('error', (e) => resolve({ status: 0, headers: {}, text: String(e), json: undefined }));
  }).then((r) => {
    done = true;
    return r;
  });
  const sent = new Promise<void>((resolve, reject) => {
    req.write(payload.subarray(0, -1), (e) => (e ? reject(e) : resolve()));
  });
  return {
    sent,
    answered: () => done,
    release: () => {
      req.end(payload.subarray(-1));
      return answer;
    },
  };
}
