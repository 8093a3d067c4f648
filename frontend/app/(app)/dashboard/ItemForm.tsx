"use client";

import { useActionState } from "react";
import { createItem, type ItemFormState } from "@/app/actions/items";
import { FieldErrors } from "@/app/components/FieldErrors";
import { SubmitButton } from "@/app/components/SubmitButton";

export function ItemForm() {
  const [state, action] = useActionState<ItemFormState, FormData>(createItem, {});
  const errors = state.fieldErrors ?? {};
  return (
    // A new key after each success empties the form.
    <form action={action} className="item-form" key={state.ok ?? 0}>
      {state.error && (
        <p role="alert" className="alert">
          {state.error}
        </p>
      )}
      <label className="field">
        <span>Name</span>
        <input name="name" required maxLength={200} aria-invalid={!!errors.name?.length} />
      </label>
      <FieldErrors id="name-errors" errors={errors.name} />
      <label className="field">
        <span>Description</span>
        <input name="description" aria-invalid={!!errors.description?.length} />
      </label>
      <FieldErrors id="description-errors" errors={errors.description} />
      <SubmitButton pendingText="Adding…">Add item</SubmitButton>
    </form>
  );
}
