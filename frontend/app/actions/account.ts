"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { actionCall } from "@/app/lib/api";
import {
  UNAVAILABLE,
  detailOf,
  formFailure,
  reauthenticationRequired,
  type FormFailure,
} from "@/app/lib/api-errors";
import { reauthPrompt, reauthenticate, type ReauthMethods } from "@/app/lib/reauth";
import { clearTokens } from "@/app/lib/session";

export type ProfileState = FormFailure<"first_name" | "last_name"> & { ok?: number };

/** Where the deletion stands: nothing asked yet, password asked, or the last warning shown. */
export type DeleteStep = "start" | "password" | "confirm";
export type DeleteAccountState = FormFailure<"password" | "code"> & {
  step: DeleteStep;
  /** What the prompt offers besides the password (step "password"). */
  methods?: ReauthMethods;
};

/** Save the first and last name (the only fields PATCH /api/users/me/ changes). */
export async function updateProfile(_prev: ProfileState, formData: FormData): Promise<ProfileState> {
  const firstName = String(formData.get("first_name") ?? "").trim();
  const lastName = String(formData.get("last_name") ?? "").trim();
  const { data, error, response } = await actionCall((api) =>
    api.PATCH("/api/users/me/", { body: { first_name: firstName, last_name: lastName } }),
  );
  if (!data) return formFailure(response.status, error, response.headers.get("Retry-After"), ["first_name", "last_name"]);
  revalidatePath("/account");
  return { ok: Date.now() };
}

/**
 * Delete the account in three steps, driven by the form's `intent`:
 * "start" asks for the password (with two-factor sign-in on, and a code, or
 * a passkey instead), "reauthenticate" proves it to the API and shows the
 * last warning, "delete" deletes the account, clears the cookies
 * and lands on / signed out. "cancel" goes back to the start.
 */
export async function deleteAccount(_prev: DeleteAccountState, formData: FormData): Promise<DeleteAccountState> {
  switch (formData.get("intent")) {
    case "start":
      return { ...(await reauthPrompt()), step: "password" };
    case "reauthenticate": {
      const refused = await reauthenticate(formData);
      return refused ? { ...refused, step: "password" } : { step: "confirm" };
    }
    case "delete":
      break;
    default:
      return { step: "start" };
  }

  const { error, response } = await actionCall((api) => api.DELETE("/api/users/me/"));
  if (response.status !== 204) {
    if (reauthenticationRequired(response.status, error)) {
      return {
        ...(await reauthPrompt()),
        step: "password",
        error: "The password confirmation has expired. Enter your password again.",
      };
    }
    if (response.status === 403) {
      // E.g. staff (code staff_account), who cannot delete themselves here: the API says why.
      return { step: "start", error: detailOf(error) ?? "This account cannot be deleted here." };
    }
    return { step: "confirm", error: UNAVAILABLE };
  }
  await clearTokens();
  redirect("/?deleted=1"); // outside any try/catch: redirect() throws
}
