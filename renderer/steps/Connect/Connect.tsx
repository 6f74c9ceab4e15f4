import { UnavailableStep } from '../../components/UnavailableStep.js';

/** The Connect step is not built yet: the wizard says so honestly instead of showing a fake screen. */
export function Connect() {
  return <UnavailableStep step="connect" />;
}
