// Filled in by the glossary app: results as you type.
