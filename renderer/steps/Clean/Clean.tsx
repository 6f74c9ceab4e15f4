import { UnavailableStep } from '../../components/UnavailableStep.js';

/** The Clean step is not built yet: the wizard says so honestly instead of showing a fake screen. */
export function Clean() {
  return <UnavailableStep step="clean" />;
}
