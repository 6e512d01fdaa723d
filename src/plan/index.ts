/** The reconcile plan: pure changes from (current records, desired members, policy) and its dry-run text. */
export { calculatePlan } from './calculate.js';
export { describeChange, renderPlan } from './render.js';
export {
  DEFAULT_PLAN_POLICY,
  type DesiredMember,
  type Plan,
  type PlanInput,
  type PlanMode,
  type PlanNote,
  type PlanNoteCode,
  type PlanPolicy,
} from './types.js';
