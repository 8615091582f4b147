"""Credit control: holds today; limit requests, reviews and KYC workflows build on them."""
