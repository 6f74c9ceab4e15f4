import { UnavailableStep } from '../../components/UnavailableStep.js';

/** The Pilot step is not built yet: the wizard says so honestly instead of showing a fake screen. */
export function Pilot() {
  return <UnavailableStep step="pilot" />;
}
