import { UnavailableStep } from '../../components/UnavailableStep.js';

/** The Verify step is not built yet: the wizard says so honestly instead of showing a fake screen. */
export function Verify() {
  return <UnavailableStep step="verify" />;
}
