/** Injection tokens of the synthetic-data module. */
export const JOB_QUEUE = Symbol('JOB_QUEUE');
export const JOB_EVENTS = Symbol('JOB_EVENTS');
