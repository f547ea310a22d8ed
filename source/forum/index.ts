export * from './types.js';
export * from './rules.js';
export * from './validate.js';
export * from './errors.js';
export * from './event-shape.js';
