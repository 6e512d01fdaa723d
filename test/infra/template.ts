/**
 * Helpers for reading synthesized templates: `render` turns CloudFormation intrinsics into plain strings
 * (`arn:aws:…:<region>:<account>:…`, `<Logical.Arn>`), so whole policy documents can be compared as JSON.
 */
import type { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';

/** Rendered CloudFormation, read loosely by assertions. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- template JSON has no useful static type
export type Cfn = any;

const PSEUDO: Record<string, string> = {
  'AWS::Partition': 'aws',
  'AWS::Region': '<region>',
  'AWS::AccountId': '<account>',
  'AWS::URLSuffix': 'amazonaws.com',
};

export function render(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(render);
  if (value === null || typeof value !== 'object') return value;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj);
  if (keys.length === 1 && keys[0] === 'Ref') {
    const ref = obj.Ref as string;
    return PSEUDO[ref] ?? `<${ref}>`;
  }
  if (keys.length === 1 && keys[0] === 'Fn::GetAtt') {
    const [logical, attr] = obj['Fn::GetAtt'] as [string, string];
    return `<${logical}.${attr}>`;
  }
  if (keys.length === 1 && keys[0] === 'Fn::Join') {
    const [sep, parts] = obj['Fn::Join'] as [string, unknown[]];
    return parts.map((p) => String(render(p))).join(sep);
  }
  return Object.fromEntries(keys.map((k) => [k, render(obj[k])]));
}

/** The one resource of `type` (fails unless there is exactly one), rendered. */
export function only(template: Template, type: string): { id: string; props: Record<string, Cfn> } {
  const found = Object.entries(template.findResources(type));
  if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}`);
  const [id, resource] = found[0]!;
  return { id, props: render(resource.Properties ?? {}) as Record<string, Cfn> };
}

export function templateOf(stack: Stack): Template {
  return Template.fromStack(stack);
}

/** Statements of the only IAM policy in the template, each action list normalised to an array. */
export function policyStatements(template: Template): Record<string, Cfn>[] {
  const { props } = only(template, 'AWS::IAM::Policy');
  return (props.PolicyDocument.Statement as Record<string, Cfn>[]).map((s) => ({
    ...s,
    Action: Array.isArray(s.Action) ? s.Action : [s.Action],
    Resource: Array.isArray(s.Resource) ? s.Resource : [s.Resource],
  }));
}
