package dev.bulwark.model.identity;

import dev.bulwark.model.LabelSet;

/**
 * A label set split by the {@link SecurityLabelFilter}.
 *
 * @param security    the labels an identity is keyed by
 * @param information the labels the filter dropped; kept for display, never part of an identity
 */
public record FilteredLabels(LabelSet security, LabelSet information) {

    public FilteredLabels {
        if (security == null || information == null) {
            throw new IllegalArgumentException("security and information label sets must be present");
        }
    }
}
