import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig, parseConfigFile } from "../src/config.ts";

// Where uploaded files are kept: the data directory, a shared directory, or an S3 bucket.

const s3 = {
  COPSE_S3_BUCKET: "copse-files",
  COPSE_S3_ACCESS_KEY_ID: "AKIAEXAMPLE",
  COPSE_S3_SECRET_ACCESS_KEY: "secret",
};

describe("the uploaded files settings", () => {
  it("keep files in the data directory by default, exactly where they always were", () => {
    expect(loadConfig({ COPSE_DATA_DIR: "/srv/copse" }).files).toEqual({
      kind: "local",
      root: "/srv/copse",
    });
  });

  it("take a shared directory from COPSE_FILES_DIR", () => {
    expect(loadConfig({ COPSE_FILES_DIR: "shared/files" }).files).toEqual({
      kind: "local",
      root: resolve("shared/files"),
    });
  });

  it("read an S3 bucket with AWS's regional endpoint and virtual-host addresses by default", () => {
    expect(
      loadConfig({ COPSE_DATA_DIR: "/srv/copse", ...s3, COPSE_S3_REGION: "eu-west-2" }).files,
    ).toEqual({
      kind: "s3",
      bucket: "copse-files",
      endpoint: "https://s3.eu-west-2.amazonaws.com",
      region: "eu-west-2",
      accessKeyId: "AKIAEXAMPLE",
      secretAccessKey: "secret",
      pathStyle: false,
      tempDir: "/srv/copse/tmp/uploads",
    });
    const minio = loadConfig({
      ...s3,
      COPSE_S3_ENDPOINT: "http://minio.internal:9000",
      COPSE_S3_PATH_STYLE: "true",
    }).files;
    expect(minio).toMatchObject({
      endpoint: "http://minio.internal:9000",
      pathStyle: true,
      region: "us-east-1",
    });
  });

  it("name every missing S3 setting, and never print the secret", () => {
    const error = (() => {
      try {
        loadConfig({
          COPSE_S3_BUCKET: "copse-files",
          COPSE_S3_SECRET_ACCESS_KEY: "hunter2-secret",
        });
      } catch (e) {
        return e as Error;
      }
    })();
    expect(error?.message).toContain(
      "Keeping uploaded files in S3 needs COPSE_S3_BUCKET, COPSE_S3_ACCESS_KEY_ID, COPSE_S3_SECRET_ACCESS_KEY; missing: COPSE_S3_ACCESS_KEY_ID",
    );
    expect(error?.message).not.toContain("hunter2-secret");
    expect(() => loadConfig({ COPSE_S3_REGION: "eu-west-2" })).toThrow(
      "missing: COPSE_S3_BUCKET, COPSE_S3_ACCESS_KEY_ID, COPSE_S3_SECRET_ACCESS_KEY",
    );
  });

  it("refuse a bad endpoint or flag, and both a shared directory and a bucket", () => {
    expect(() => loadConfig({ ...s3, COPSE_S3_ENDPOINT: "ftp://files.example" })).toThrow(
      'COPSE_S3_ENDPOINT must be the bucket service\'s address, e.g. https://s3.eu-west-2.amazonaws.com (got "ftp://files.example")',
    );
    expect(() => loadConfig({ ...s3, COPSE_S3_PATH_STYLE: "sometimes" })).toThrow(
      'COPSE_S3_PATH_STYLE must be true or false (got "sometimes")',
    );
    expect(() => loadConfig({ ...s3, COPSE_FILES_DIR: "/mnt/files" })).toThrow(
      "Uploaded files go either to COPSE_FILES_DIR or to an S3 bucket (COPSE_S3_*), not both",
    );
  });

  it("are accepted in the configuration file", () => {
    const { values, problems } = parseConfigFile(
      "COPSE_FILES_DIR=/mnt/files\nCOPSE_S3_BUCKET=b\nCOPSE_S3_ENDPOINT=https://s3.example\nCOPSE_S3_REGION=r\nCOPSE_S3_ACCESS_KEY_ID=k\nCOPSE_S3_SECRET_ACCESS_KEY=s\nCOPSE_S3_PATH_STYLE=true\n",
    );
    expect(problems).toEqual([]);
    expect(Object.keys(values)).toHaveLength(7);
  });
});
