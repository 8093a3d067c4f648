import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // The Django API is called from the server only; nothing here is exposed
  // to the browser bundle.
  poweredByHeader: false,
};

export default nextConfig;
