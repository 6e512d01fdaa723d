// The narrow seam between the agent and where it registers: a DNS record it edits itself, or the registrar's
// agent API. Implementations make register/deregister idempotent and throw typed errors (with a stable `code`).

/** One node as the agent announces it. */
export interface AgentMember {
  readonly id: string;
  readonly address: string;
  readonly port: number;
}

/** Where an agent registers its node. register/deregister are idempotent. */
export interface RegistrationTarget {
  readonly kind: string;
  register(member: AgentMember): Promise<void>;
  deregister(member: AgentMember): Promise<void>;
  close(): Promise<void>;
}
