// The few GitHub REST calls the action makes, with the job's token. The API
// base is GITHUB_API_URL (GitHub Enterprise, or a stand-in in tests).
import { ActionError, requiredEnv } from './runner.mjs';

export function githubApi(token) {
  const base = (process.env.GITHUB_API_URL || 'https://api.github.com').replace(/\/+$/, '');
  const [owner, repo] = requiredEnv('GITHUB_REPOSITORY').split('/');

  async function request(method, path, body) {
    const url = path.startsWith('http') ? path : `${base}${path}`;
    const response = await fetch(url, {
      method,
      headers: {
        accept: 'application/vnd.github+json',
        authorization: `Bearer ${token}`,
        'x-github-api-version': '2022-11-28',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    if (!response.ok) throw new ActionError(`GitHub API ${method} ${path} answered ${response.status}: ${text.slice(0, 300)}`);
    return { json: text === '' ? undefined : JSON.parse(text), link: response.headers.get('link') ?? '' };
  }

  /** Every page of a list endpoint, following Link: rel="next". */
  async function paginate(path) {
    const items = [];
    let next = `${path}${path.includes('?') ? '&' : '?'}per_page=100`;
    for (let page = 0; next && page < 50; page++) {
      const { json, link } = await request('GET', next);
      items.push(...(Array.isArray(json) ? json : (json?.artifacts ?? [])));
      next = /<([^>]+)>;\s*rel="next"/.exec(link)?.[1];
    }
    return items;
  }

  const repoPath = `/repos/${owner}/${repo}`;
  return {
    owner,
    repo,
    listComments: (issue) => paginate(`${repoPath}/issues/${issue}/comments`),
    createComment: (issue, body) => request('POST', `${repoPath}/issues/${issue}/comments`, { body }),
    updateComment: (id, body) => request('PATCH', `${repoPath}/issues/comments/${id}`, { body }),
    /** The pull requests a commit belongs to (for a merge commit: the one it merged). */
    pullsOfCommit: async (sha) => (await request('GET', `${repoPath}/commits/${sha}/pulls`)).json ?? [],
    artifactsNamed: (name) => paginate(`${repoPath}/actions/artifacts?name=${encodeURIComponent(name)}`),
  };
}
