/**
 * The exceptions the Route 53 model throws: the SDK's own classes where Route 53's API model names them,
 * and a Route53ServiceException carrying the wire error code where it does not (the SDK deserialises an
 * unmodelled code such as `Throttling` or `AccessDenied` that way).
 */
import {
  HealthCheckAlreadyExists,
  InvalidChangeBatch,
  InvalidInput,
  NoSuchChange,
  NoSuchHealthCheck,
  NoSuchHostedZone,
  PriorRequestNotComplete,
  Route53ServiceException,
  ThrottlingException,
} from '@aws-sdk/client-route-53';

const meta = (httpStatusCode = 400) => ({ httpStatusCode, requestId: 'model-request' });

export function invalidChangeBatch(messages: readonly string[]): InvalidChangeBatch {
  return new InvalidChangeBatch({ message: messages.join('; '), messages: [...messages], $metadata: meta() });
}

export function invalidInput(message: string): InvalidInput {
  return new InvalidInput({ message, $metadata: meta() });
}

export function noSuchHostedZone(id: string): NoSuchHostedZone {
  return new NoSuchHostedZone({ message: `No hosted zone found with ID: ${id}`, $metadata: meta(404) });
}

export function noSuchHealthCheck(id: string): NoSuchHealthCheck {
  return new NoSuchHealthCheck({ message: `A health check with id ${id} does not exist.`, $metadata: meta(404) });
}

export function noSuchChange(id: string): NoSuchChange {
  return new NoSuchChange({ message: `Could not find resource with ID: ${id}`, $metadata: meta(404) });
}

export function healthCheckAlreadyExists(reference: string): HealthCheckAlreadyExists {
  return new HealthCheckAlreadyExists({
    message: `A health check with the CallerReference ${reference} already exists or existed, with other settings.`,
    $metadata: meta(409),
  });
}

export function priorRequestNotComplete(): PriorRequestNotComplete {
  return new PriorRequestNotComplete({
    message: 'The request was rejected because Route 53 was still processing a prior request.',
    $metadata: meta(),
  });
}

/** How a throttled request surfaces: `Throttling` is Route 53's wire code (unmodelled), `ThrottlingException` the modelled class. */
export type ThrottlingKind = 'Throttling' | 'ThrottlingException';

export function throttling(kind: ThrottlingKind): Error {
  if (kind === 'ThrottlingException') return new ThrottlingException({ message: 'Rate exceeded', $metadata: meta() });
  return new Route53ServiceException({
    name: 'Throttling',
    $fault: 'client',
    message: 'Rate exceeded',
    $metadata: meta(),
  });
}

/** An unmodelled error as the SDK builds it (e.g. `AccessDenied` 403, `InternalFailure` 500). */
export function serviceError(name: string, message: string, httpStatusCode: number): Route53ServiceException {
  return new Route53ServiceException({
    name,
    $fault: httpStatusCode >= 500 ? 'server' : 'client',
    message,
    $metadata: meta(httpStatusCode),
  });
}
