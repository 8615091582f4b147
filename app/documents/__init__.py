"""Invoice and statement PDFs: view models, Babel formatting, WeasyPrint rendering, downloads."""
