variable "name" {
  type        = string
  description = "What the zip holds; the file is .terraform/build/<name_prefix>-<name>.zip under the root."

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,40}$", var.name))
    error_message = "name must be 2-41 lowercase letters, digits or hyphens, starting with a letter."
  }
}

variable "files" {
  type        = list(string)
  description = "Files of the repository, relative to its root, stored under that same path in the zip."
}

variable "generated_files" {
  type        = map(string)
  description = "Files made by the caller, stored beside them: name in the zip => content."
  default     = {}
}
