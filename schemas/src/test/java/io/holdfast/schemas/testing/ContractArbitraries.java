package io.holdfast.schemas.testing;

import io.holdfast.schemas.Contracts;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import org.apache.avro.specific.SpecificRecord;

/** jqwik arbitraries over the contracts, generated from their schemas by {@link RandomRecords}. */
public final class ContractArbitraries {

    private ContractArbitraries() {
    }

    /** A random record of a random contract. */
    public static Arbitrary<SpecificRecord> anyContractRecord() {
        return Arbitraries.of(Contracts.ALL).flatMap(ContractArbitraries::recordOf);
    }

    public static Arbitrary<SpecificRecord> recordOf(Class<? extends SpecificRecord> type) {
        return Arbitraries.randomValue(random -> RandomRecords.specific(type, random));
    }
}
