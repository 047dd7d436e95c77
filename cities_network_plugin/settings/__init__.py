"""Settings applied to the LMS and Studio through the edx-django-utils plugin API."""
