import type { Metadata } from "next";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Items", template: "%s · Items" },
  description: "Example Next.js client for the Django JWT auth API.",
};

export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en">
      <body>{children}</body>
    </html>
  );
}
