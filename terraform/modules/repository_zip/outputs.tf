output "path" {
  description = "Path of the zip (under the root's .terraform/build/)."
  value       = data.archive_file.this.output_path
}

output "base64sha256" {
  description = "Base64 SHA-256 of the zip (a Lambda's source_code_hash)."
  value       = data.archive_file.this.output_base64sha256
}
