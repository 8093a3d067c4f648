"use server";

import { revalidatePath } from "next/cache";
import { actionCall } from "@/app/lib/api";

export type ItemFormState = { fieldErrors?: { name?: string[]; description?: string[] }; error?: string; ok?: number };

/** Add an item for the signed-in user. */
export async function createItem(_prev: ItemFormState, formData: FormData): Promise<ItemFormState> {
  const name = String(formData.get("name") ?? "").trim();
  const description = String(formData.get("description") ?? "").trim();
  const { data, error, response } = await actionCall((api) =>
    api.POST("/api/items/", { body: { name, description } }),
  );
  if (!data) {
    if (response.status === 400) {
      const body = (error ?? {}) as Record<string, string[]>;
      return { fieldErrors: { name: body.name, description: body.description } };
    }
    return { error: "Could not add the item. Please try again." };
  }
  revalidatePath("/dashboard");
  return { ok: Date.now() };
}

/** Delete one of the user's items. */
export async function deleteItem(id: number): Promise<void> {
  await actionCall((api) => api.DELETE("/api/items/{id}/", { params: { path: { id } } }));
  revalidatePath("/dashboard");
}
