// A stand-in for api.github.com and the job's OIDC token endpoint, on
// 127.0.0.1: pull-request comments, the pull requests a commit merged,
// workflow-run artifacts, and OIDC tokens (signed by a local stand-in for
// GitHub's issuer) for whichever job the test is running. It checks the
// calls carry a token, as GitHub would.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { startStub, type StubServer } from '../../cli/support/stub-server.js';
import type { FakeGithubOidc, GithubClaims } from '../../server/support/github-oidc.js';

export const JOB_TOKEN = 'ghs_job_token_for_tests';
const REQUEST_TOKEN = 'oidc-request-token';

export interface Comment {
  id: number;
  issue: number;
  body: string;
  user: { login: string; type: string };
}

export interface PullRequest {
  number: number;
  head: { sha: string };
  merge_commit_sha: string | null;
  merged_at: string | null;
}

export interface Artifact {
  id: number;
  name: string;
  expired: boolean;
  created_at: string;
  workflow_run: { id: number };
}

export interface GithubStub {
  url: string;
  /** ACTIONS_ID_TOKEN_REQUEST_URL for the job. */
  oidcRequestUrl: string;
  oidcRequestToken: string;
  comments: Comment[];
  /** Pull requests by the commit they hold (head) or merged (merge commit). */
  pullsByCommit: Map<string, PullRequest[]>;
  artifacts: Artifact[];
  /** The claims of the job now running: what its OIDC tokens say. */
  job: GithubClaims | null;
  requests: StubServer['requests'];
  close(): Promise<void>;
}

function send(res: ServerResponse, status: number, body?: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(body === undefined ? '' : JSON.stringify(body));
}

export async function startGithubStub(repository: string, oidc: FakeGithubOidc): Promise<GithubStub> {
  let nextId = 1000;
  const state = {
    comments: [] as Comment[],
    pullsByCommit: new Map<string, PullRequest[]>(),
    artifacts: [] as Artifact[],
    job: null as GithubClaims | null,
  };
  const repo = `/repos/${repository}`;
  const handle = async (req: IncomingMessage, res: ServerResponse, body: string) => {
    const url = new URL(req.url ?? '/', 'http://stub');
    if (url.pathname === '/oidc/token') {
      if (req.headers.authorization !== `Bearer ${REQUEST_TOKEN}` || !state.job) return send(res, 401, { message: 'Bad credentials' });
      const audience = url.searchParams.get('audience') ?? undefined;
      return send(res, 200, { value: await oidc.token(state.job, audience ? { audience } : {}) });
    }
    if (req.headers.authorization !== `Bearer ${JOB_TOKEN}`) return send(res, 401, { message: 'Bad credentials' });
    let m: RegExpExecArray | null;
    if ((m = new RegExp(`^${repo}/issues/(\\d+)/comments$`).exec(url.pathname))) {
      const issue = Number(m[1]);
      if (req.method === 'POST') {
        const comment: Comment = { id: nextId++, issue, body: (JSON.parse(body) as { body: string }).body, user: { login: 'github-actions[bot]', type: 'Bot' } };
        state.comments.push(comment);
        return send(res, 201, comment);
      }
      // One item per page, so that the action has to follow the Link header.
      const all = state.comments.filter((c) => c.issue === issue);
      const page = Number(url.searchParams.get('page') ?? '1');
      const link: Record<string, string> = page < all.length ? { link: `<http://${req.headers.host}${url.pathname}?per_page=1&page=${page + 1}>; rel="next"` } : {};
      return send(res, 200, all.slice(page - 1, page), link);
    }
    if ((m = new RegExp(`^${repo}/issues/comments/(\\d+)$`).exec(url.pathname)) && req.method === 'PATCH') {
      const comment = state.comments.find((c) => c.id === Number(m![1]));
      if (!comment) return send(res, 404, { message: 'Not Found' });
      comment.body = (JSON.parse(body) as { body: string }).body;
      return send(res, 200, comment);
    }
    if ((m = new RegExp(`^${repo}/commits/([0-9a-f]+)/pulls$`).exec(url.pathname))) {
      return send(res, 200, state.pullsByCommit.get(m[1] as string) ?? []);
    }
    if (url.pathname === `${repo}/actions/artifacts`) {
      const name = url.searchParams.get('name');
      const artifacts = state.artifacts.filter((a) => name === null || a.name === name);
      return send(res, 200, { total_count: artifacts.length, artifacts });
    }
    return send(res, 404, { message: 'Not Found' });
  };
  const stub = await startStub((req, res, body) => void handle(req, res, body));
  return Object.assign(state, {
    url: stub.url,
    oidcRequestUrl: `${stub.url}/oidc/token?api-version=2.0`,
    oidcRequestToken: REQUEST_TOKEN,
    requests: stub.requests,
    close: () => stub.close(),
  });
}
