/**
 * Loads once per key and says where it stands: loading, ready (with the data) or error. A load that has not
 * answered after TIMEOUT_MS is an error too: frontend-platform retries a JWT refresh the LMS does not answer
 * without end, and a sidebar should not say "Loading" for ever.
 */
import { useEffect, useState } from 'react';

export const LOADING = 'loading';
export const READY = 'ready';
export const ERROR = 'error';
export const TIMEOUT_MS = 15000;

export function withTimeout(promise, milliseconds = TIMEOUT_MS) {
  let timer;
  const expiry = new Promise((resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer after ${milliseconds} ms`)), milliseconds);
  });
  return Promise.race([promise, expiry]).finally(() => clearTimeout(timer));
}

export default function useLoaded(load, key) {
  const [state, setState] = useState({ status: LOADING, data: null });
  useEffect(() => {
    let current = true;
    setState({ status: LOADING, data: null });
    withTimeout(load()).then(
      (data) => current && setState({ status: READY, data }),
      () => current && setState({ status: ERROR, data: null }),
    );
    return () => { current = false; };
  }, [key]); // eslint-disable-line react-hooks/exhaustive-deps
  return state;
}
