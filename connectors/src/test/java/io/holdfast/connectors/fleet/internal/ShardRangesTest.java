package io.holdfast.connectors.fleet.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ShardRangesTest {

    @Test
    void oneShardIsZeroAndPowersOfTwoSplitEvenly() {
        assertEquals(List.of("0"), ShardRanges.names(1));
        assertEquals(List.of("-80", "80-"), ShardRanges.names(2));
        assertEquals(List.of("-40", "40-80", "80-c0", "c0-"), ShardRanges.names(4));
    }

    @Test
    void unevenCountsKeepContiguousIncreasingRanges() {
        assertEquals(List.of("-55", "55-aa", "aa-"), ShardRanges.names(3));
        List<String> thirty = ShardRanges.names(30);
        assertEquals(30, thirty.size());
        assertTrue(thirty.get(0).startsWith("-") && thirty.get(29).endsWith("-"));
        int previousStart = -1;
        for (int i = 1; i < thirty.size(); i++) {
            String previous = thirty.get(i - 1);
            String start = thirty.get(i).substring(0, thirty.get(i).indexOf('-'));
            assertEquals(previous.substring(previous.indexOf('-') + 1), start, "range " + i + " starts where range " + (i - 1) + " ends");
            int value = Integer.parseInt(start, 16);
            assertTrue(value > previousStart, "starts increase: " + thirty);
            previousStart = value;
        }
    }

    @Test
    void moreThan256ShardsUseFourHexDigits() {
        List<String> names = ShardRanges.names(512);
        assertEquals("-0080", names.get(0));
        assertEquals("ff80-", names.get(511));
        assertThrows(IllegalArgumentException.class, () -> ShardRanges.names(0));
    }
}
