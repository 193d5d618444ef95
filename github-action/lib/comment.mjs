// The pull-request comments the action writes: the one plan comment (found
// again by its marker and updated on every push), and a notice when a merge
// was not applied because its reviewed plan had gone stale.

export const PLAN_MARKER = '<!-- ff-plan-comment -->';
/** GitHub refuses comments over 65,536 characters. */
const LIMIT = 65_000;

const short = (sha) => String(sha).slice(0, 12);

function capped(body) {
  if (body.length <= LIMIT) return body;
  return `${body.slice(0, LIMIT - 160)}\n\n_… cut: the whole plan is in the job summary and the plan artifact._\n`;
}

/** Machine-readable facts about the plans, for people debugging a merge (the apply reads the artifact, not this). */
function meta(fields) {
  return `<!-- ff-plan-meta ${JSON.stringify(fields).replace(/--/g, '-\\u002d')} -->`;
}

/**
 * The plan comment: which commit was planned (the pull request's head, never
 * the merge commit GitHub tests), against which server, each tenant's plan,
 * and what happens on merge.
 */
export function planComment({ headSha, server, artifact, tenants }) {
  const sections = tenants.map((t) =>
    t.failed ? `### ff plan · tenant \`${t.tenant}\`\n\n❌ The plan failed: see the job log.\n` : t.markdown.trimEnd() + '\n',
  );
  const facts = Object.fromEntries(
    tenants.filter((t) => !t.failed).map((t) => [t.tenant, { base_revision: t.baseRevision, plan_hash: t.planHash }]),
  );
  return capped(
    [
      PLAN_MARKER,
      '## ff plan',
      '',
      `For commit \`${short(headSha)}\`, against ${server}. **On merge, exactly this plan is applied** (its base revision and hash are checked by the server); if the server changes before then, nothing is applied and a fresh plan is posted here for review.`,
      '',
      ...sections,
      meta({ head_sha: headSha, artifact, tenants: facts }),
      '',
    ].join('\n'),
  );
}

export function validationFailedComment(headSha) {
  return `${PLAN_MARKER}\n## ff plan\n\n❌ \`ff validate\` found errors in commit \`${short(headSha)}\`: see the annotations on the changed files and the job log. Nothing was planned.\n`;
}

/**
 * Posted when a merge's reviewed plan could not be applied as reviewed: what
 * ff said (what landed since), and the fresh plan to review before applying.
 */
export function staleComment({ sha, reviewedSha, artifact, stale, fresh, repository, serverUrl }) {
  const dispatch = `${serverUrl}/${repository}/actions`;
  const reasons = stale.map((s) => `#### tenant \`${s.tenant}\`\n\n\`\`\`\n${s.stderr.trim().slice(0, 6000)}\n\`\`\``);
  const plans = fresh.map((t) => (t.failed ? `### ff plan · tenant \`${t.tenant}\`\n\n❌ The fresh plan failed: see the job log.\n` : t.markdown.trimEnd() + '\n'));
  return capped(
    [
      '## ⚠️ ff did not apply this merge',
      '',
      reviewedSha
        ? `The plan reviewed on this pull request (commit \`${short(reviewedSha)}\`) is no longer what applying \`${short(sha)}\` would do: the server changed since it was made, or the merged files differ from the reviewed ones. **Nothing was applied** for the tenants below.`
        : `No reviewed plan was found for \`${short(sha)}\`. **Nothing was applied** for the tenants below.`,
      '',
      ...reasons,
      '',
      '### The fresh plan',
      '',
      `Planned from \`${short(sha)}\` just now and saved as the artifact \`${artifact}\`. After reviewing it, apply it by running the ff workflow with \`reviewed-commit: ${sha}\` (Actions → ff → Run workflow: ${dispatch}). If the server moves again before that, this repeats: nothing unreviewed is ever applied.`,
      '',
      ...plans,
      meta({ sha, reviewed_sha: reviewedSha ?? null, artifact }),
      '',
    ].join('\n'),
  );
}
