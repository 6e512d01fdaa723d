/**
 * Reading records at a few names with as few ListResourceRecordSets calls as the listing order allows:
 * names are visited in Route 53's order (labels reversed), and a page that already covers the next wanted
 * name (the seed record and its `_seedkeeper.` marker are usually neighbours) saves a call.
 */
import {
  ListResourceRecordSetsCommand,
  type ListResourceRecordSetsCommandOutput,
  type ResourceRecordSet,
  type Route53Client,
} from '@aws-sdk/client-route-53';
import { fromRoute53Name, listingKey, toRoute53Name } from './codec.js';
import type { Route53Caller } from './rate.js';

/** Route 53's largest page. */
export const LIST_PAGE_SIZE = 300;

type Cursor = {
  StartRecordName: string;
  StartRecordType?: ListResourceRecordSetsCommandOutput['NextRecordType'];
  StartRecordIdentifier?: string;
};

/** Every record at each of `names` (canonical), keyed by name, in listing order. */
export async function listRecordsAt(
  caller: Route53Caller,
  client: Route53Client,
  hostedZoneId: string,
  names: readonly string[],
): Promise<Map<string, ResourceRecordSet[]>> {
  const found = new Map<string, ResourceRecordSet[]>(names.map((n) => [n, []]));
  const queue = [...found.keys()]
    .map((name) => ({ name, key: listingKey(toRoute53Name(name)) }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  let cursor: Cursor | undefined = queue[0] ? { StartRecordName: toRoute53Name(queue[0].name) } : undefined;
  while (cursor !== undefined) {
    const input = { HostedZoneId: hostedZoneId, MaxItems: LIST_PAGE_SIZE, ...cursor };
    const page = await caller.call('ListResourceRecordSets', `list records from ${cursor.StartRecordName}`, () =>
      client.send(new ListResourceRecordSetsCommand(input)),
    );
    for (const record of page.ResourceRecordSets ?? []) {
      if (record.Name === undefined) continue;
      found.get(fromRoute53Name(record.Name))?.push(record);
    }
    const nextName = page.IsTruncated === true ? page.NextRecordName : undefined;
    const nextKey = nextName === undefined ? undefined : listingKey(nextName);
    // Names sorting before the next page's first record are complete.
    while (queue[0] && (nextKey === undefined || queue[0].key < nextKey)) queue.shift();
    const head = queue[0];
    if (head === undefined || nextName === undefined) cursor = undefined;
    else if (head.key === nextKey) {
      cursor = {
        StartRecordName: nextName,
        ...(page.NextRecordType === undefined ? {} : { StartRecordType: page.NextRecordType }),
        ...(page.NextRecordIdentifier === undefined ? {} : { StartRecordIdentifier: page.NextRecordIdentifier }),
      };
    } else cursor = { StartRecordName: toRoute53Name(head.name) };
  }
  return found;
}
