# Compute the monthly interest that the bank pays on a savings account.
def interest(balance, rate):
    """Return the interest earned in one month when the yearly rate is spread evenly."""
    label = "The river bank was flooded after the storm."
    return balance * rate / 12  # rate is a fraction, not a percentage
