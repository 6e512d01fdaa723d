/**
 * The one rule for a node's id in the agent world: the agent's config and flags, the identity it registers,
 * and the registrar's agent API all check ids here, so an id the agent accepts is never refused by the API.
 * Starting with a letter or digit keeps `.` and `..` (path segments in /v1/members/{id}) out; 64 characters
 * hold an EC2 instance id, a host name label or a UUID.
 */
export const AGENT_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export const AGENT_ID_RULE =
  'expected 1-64 letters, digits, dots, dashes or underscores, starting with a letter or digit';

/** Why `id` is not a valid member id, or undefined. */
export function agentIdProblem(id: unknown): string | undefined {
  if (typeof id !== 'string') return AGENT_ID_RULE;
  if (!AGENT_ID_PATTERN.test(id))
    return `${JSON.stringify(id.length > 80 ? `${id.slice(0, 80)}…` : id)}: ${AGENT_ID_RULE}`;
  return undefined;
}
