export * from './provenance.js';
export * from './problem.js';
export * from './contact.js';
export * from './chat.js';
export * from './message.js';
export * from './source.js';
export * from './job.js';
export * from './settings.js';
