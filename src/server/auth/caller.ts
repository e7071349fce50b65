import type { Metadata } from '@grpc/grpc-js';
import type { Caller } from './authenticator.js';

/**
 * The authenticated caller of a call, keyed by the call's metadata object
 * (the one grpc-js hands the handler as `call.metadata`). A WeakMap rather
 * than a header: a client cannot set it, and without the auth interceptor
 * every call simply has no caller.
 */
const callers = new WeakMap<Metadata, Caller>();

export function bindCaller(metadata: Metadata, caller: Caller): void {
  callers.set(metadata, caller);
}

export function callerOf(call: { readonly metadata: Metadata }): Caller | undefined {
  return callers.get(call.metadata);
}
