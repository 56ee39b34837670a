"use client";

import { useEffect, useRef } from "react";
import { SubmitButton } from "../../../../_components/submit-button";
import { continueBulkAction } from "../actions";

/** The job's Continue button; with JavaScript it presses itself, so the job runs on while the page is open. */
export function ContinueForm({ jobId }: { jobId: string }) {
  const ref = useRef<HTMLFormElement>(null);
  useEffect(() => {
    const timer = setTimeout(() => ref.current?.requestSubmit(), 300);
    return () => clearTimeout(timer);
  }, []);
  return (
    <form ref={ref} action={continueBulkAction}>
      <input type="hidden" name="jobId" value={jobId} />
      <SubmitButton>Continue</SubmitButton>
    </form>
  );
}
