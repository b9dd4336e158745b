def activity_section(request, activity):
    return None
