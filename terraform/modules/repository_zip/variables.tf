# Set by the calling modules, not by a person; a wrong name only names a build file wrongly.
variable "name" {
  type        = string
  description = "What the zip holds; the file is .terraform/build/<name_prefix>-<name>.zip under the root."
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
